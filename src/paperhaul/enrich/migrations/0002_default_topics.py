"""The default taxonomy (DESIGN.md: Enrichment), which staff then edit in the admin.

Descriptions are what papers are matched against, by meaning and by words, so each names the
topic's subjects, methods and typical terms. Categories are the arXiv ones that plainly mean the
topic; cs.LG and cs.AI are in none, because nearly every paper carries them.
"""

from django.db import migrations

DEFAULT_TOPICS = [
    (
        "Large Language Models",
        "large-language-models",
        "Language models and LLMs such as GPT, LLaMA and BERT: pretraining on text and scaling, "
        "instruction tuning and finetuning (LoRA, parameter-efficient finetuning), alignment with human "
        "feedback (RLHF, DPO, preference optimization, reward models), prompting, in-context learning, "
        "chain-of-thought reasoning, math and code generation, retrieval-augmented generation, LLM "
        "agents and tool use, hallucination, long context, tokenization, quantization and compression "
        "of LLMs, instruction datasets and benchmarks for language models, natural language processing: "
        "machine translation, summarization, question answering, text classification, multilingual text.",
        ["cs.CL"],
    ),
    (
        "Computer Vision",
        "computer-vision",
        "Images and video: image classification, object detection, segmentation, vision transformers "
        "(ViT), convolutional networks, image generation with diffusion models and GANs, text-to-image "
        "synthesis, image editing, 3D vision, depth estimation, NeRF and scene reconstruction, video "
        "understanding and generation, pose estimation, tracking, visual recognition, vision-language "
        "models, visual question answering, image captioning, medical imaging, remote sensing.",
        ["cs.CV", "eess.IV", "cs.GR"],
    ),
    (
        "Audio and Speech",
        "audio-and-speech",
        "Speech and sound: automatic speech recognition (ASR), speech synthesis and text-to-speech (TTS), "
        "spoken language understanding, speech translation, speaker recognition and diarization, voice "
        "conversion, audio generation, music generation and music information retrieval, sound event "
        "detection, audio classification, audio-visual learning, speech in many languages.",
        ["cs.SD", "eess.AS"],
    ),
    (
        "Reinforcement Learning",
        "reinforcement-learning",
        "Agents that learn to act from reward: reinforcement learning, Markov decision processes, "
        "policies and value functions, Q-learning, policy gradient, actor-critic, model-based and offline "
        "reinforcement learning, exploration, multi-armed bandits, multi-agent systems, planning, "
        "robotics, robot control and manipulation, embodied agents, games such as Atari, Go and chess.",
        ["cs.RO", "cs.MA"],
    ),
    (
        "General Methods",
        "general-methods",
        "Machine learning methods that apply across domains: optimization and optimizers (SGD, Adam, "
        "second-order and zeroth-order methods), training dynamics, generalization, regularization, "
        "dropout, double descent, learning theory, statistics, architectures, normalization and "
        "initialization, efficient training, pruning, knowledge distillation, model merging, federated "
        "learning, graph neural networks, time series, Bayesian and probabilistic methods, causal "
        "inference, interpretability, robustness and uncertainty.",
        ["stat.ML", "math.OC", "cs.NE", "math.ST", "stat.TH"],
    ),
    (
        "Biology",
        "biology",
        "Life sciences and medicine: proteins and protein structure prediction, protein language models, "
        "genomics, DNA and RNA sequences, single-cell biology, molecules, chemistry and drug discovery, "
        "enzymes, neuroscience and the brain, cells, clinical trials, health, disease, pathology and "
        "biomedical research.",
        ["q-bio", "physics.bio-ph", "physics.med-ph"],
    ),
    (
        "Society and Policy",
        "society-and-policy",
        "AI and society: fairness and bias, ethics, AI safety, privacy, security, misinformation, "
        "law, regulation, policy and governance, economics and labour, education, social and cultural "
        "values, human-computer interaction, trust, copyright, environmental and societal impact.",
        ["cs.CY", "cs.HC", "econ.GN", "physics.soc-ph"],
    ),
]


def create_topics(apps, schema_editor):
    Topic = apps.get_model("enrich", "Topic")
    for position, (name, slug, description, categories) in enumerate(DEFAULT_TOPICS):
        Topic.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "arxiv_categories": categories,
                "position": position,
            },
        )


def remove_topics(apps, schema_editor):
    Topic = apps.get_model("enrich", "Topic")
    Topic.objects.filter(slug__in=[slug for _, slug, _, _ in DEFAULT_TOPICS]).delete()


class Migration(migrations.Migration):
    dependencies = [("enrich", "0001_initial")]

    operations = [migrations.RunPython(create_topics, remove_topics)]
