"""A small library of real-looking papers on distinct topics, indexed for search."""

from __future__ import annotations

import datetime as dt

import pytest

from paperhaul.papers.records import PaperRecord
from paperhaul.papers.upsert import Library
from paperhaul.search import postgres_plan, postgres_typeahead, store, typeahead, vectors

PAPERS = [
    (
        "2311.12908",
        "Diffusion Model Alignment Using Direct Preference Optimization",
        "Large language models are fine-tuned with human comparison data. We propose Diffusion-DPO, a "
        "method to align text-to-image diffusion models to human preferences by directly optimizing on "
        "human comparison data, and fine-tune Stable Diffusion XL on the Pick-a-Pic dataset of pairwise "
        "preferences.",
        ["Bram Wallace", "Meihua Dang", "Stefano Ermon"],
        ["cs.CV", "cs.LG"],
        dt.date(2023, 11, 21),
    ),
    (
        "1706.03762",
        "Attention Is All You Need",
        "The dominant sequence transduction models are based on recurrent or convolutional networks. We "
        "propose the Transformer, a network architecture based solely on attention mechanisms, dispensing "
        "with recurrence entirely, and reach a new state of the art in machine translation.",
        ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"],
        ["cs.CL", "cs.LG"],
        dt.date(2017, 6, 12),
    ),
    (
        "2106.09685",
        "LoRA: Low-Rank Adaptation of Large Language Models",
        "We propose Low-Rank Adaptation, which freezes the pretrained model weights and injects trainable "
        "rank decomposition matrices into each layer of the Transformer, reducing the number of trainable "
        "parameters for fine-tuning by 10,000 times.",
        ["Edward Hu", "Yelong Shen", "Phillip Wallis"],
        ["cs.CL", "cs.LG"],
        dt.date(2021, 6, 17),
    ),
    (
        "2005.14165",
        "Language Models are Few-Shot Learners",
        "We train GPT-3, an autoregressive language model with 175 billion parameters, and show that "
        "scaling up language models greatly improves task-agnostic few-shot performance, sometimes reaching "
        "competitiveness with prior fine-tuning approaches.",
        ["Tom Brown", "Benjamin Mann", "Nick Ryder"],
        ["cs.CL"],
        dt.date(2020, 5, 28),
    ),
    (
        "2212.04356",
        "Robust Speech Recognition via Large-Scale Weak Supervision",
        "We study the capabilities of speech processing systems trained to predict large amounts of "
        "transcripts of audio on the internet. Whisper models approach human accuracy and robustness in "
        "zero-shot transfer for automatic speech recognition.",
        ["Alec Radford", "Jong Wook Kim", "Tao Xu"],
        ["eess.AS", "cs.CL"],
        dt.date(2022, 12, 6),
    ),
    (
        "1312.5602",
        "Playing Atari with Deep Reinforcement Learning",
        "We present the first deep learning model to successfully learn control policies directly from "
        "high-dimensional sensory input using reinforcement learning: a convolutional network trained with "
        "a variant of Q-learning on Atari 2600 games.",
        ["Volodymyr Mnih", "Koray Kavukcuoglu", "David Silver"],
        ["cs.LG"],
        dt.date(2013, 12, 19),
    ),
    (
        "2203.02155",
        "Training language models to follow instructions with human feedback",
        "Making language models bigger does not make them better at following a user's intent. We fine-tune "
        "GPT-3 with reinforcement learning from human feedback on labeler demonstrations and rankings, "
        "producing InstructGPT.",
        ["Long Ouyang", "Jeff Wu", "Xu Jiang"],
        ["cs.CL", "cs.AI"],
        dt.date(2022, 3, 4),
    ),
    (
        "2010.11929",
        "An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale",
        "We show that a pure transformer applied directly to sequences of image patches performs very well "
        "on image classification tasks. The Vision Transformer attains excellent results on ImageNet.",
        ["Alexey Dosovitskiy", "Lucas Beyer"],
        ["cs.CV"],
        dt.date(2020, 10, 22),
    ),
    (
        "2112.10752",
        "High-Resolution Image Synthesis with Latent Diffusion Models",
        "By decomposing image formation into a sequential application of denoising autoencoders, diffusion "
        "models achieve state-of-the-art synthesis results. We apply them in the latent space of pretrained "
        "autoencoders, which makes training on limited compute possible.",
        ["Robin Rombach", "Andreas Blattmann", "Patrick Esser"],
        ["cs.CV"],
        dt.date(2021, 12, 20),
    ),
    (
        "hep-th/9901001",
        "Black hole entropy in string theory",
        "We compute the entropy of extremal black holes from the counting of D-brane microstates and find "
        "agreement with the Bekenstein-Hawking area law.",
        ["Juan Maldacena"],
        ["hep-th"],
        dt.date(1999, 1, 4),
    ),
]


def make_record(number, title, abstract, authors, categories, published, **extra) -> PaperRecord:
    return PaperRecord(
        source="arxiv-api",
        key=f"arxiv:{number}",
        title=title,
        abstract=abstract,
        authors=tuple(authors),
        categories=tuple(categories),
        primary_category=categories[0],
        published=published,
        updated=published,
        **extra,
    )


@pytest.fixture(autouse=True)
def fresh_vector_caches():
    """Test transactions roll back and reuse row ids and words: start every test with empty caches."""
    vectors._indexes.clear()
    store.forget_counts()
    postgres_typeahead._vocabularies.clear()
    postgres_plan._statistics.clear()
    typeahead._vocabularies.clear()
    yield
    for index in vectors._indexes.values():
        index.forget()
    vectors._indexes.clear()
    store.forget_counts()


@pytest.fixture
def library(db):
    """The ten papers above, in the library and its lexical index (no vectors yet)."""
    records = [make_record(*paper) for paper in PAPERS]
    records[2] = make_record(*PAPERS[2], code_url="https://github.com/microsoft/LoRA")
    Library().upsert(records)


@pytest.fixture
def embedded(library):
    """The library with every paper embedded."""
    from paperhaul.search.indexing import embed_pending

    embed_pending()
