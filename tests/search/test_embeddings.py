"""The embedding module on the real bundled model, every runtime, no mocks.

Each runtime is loaded once per module; the int8 ONNX model is built once per test process under
its PAPERHAUL_HOME (where other modules' get_embedder() finds it again), and once more by the test
that damages a copy of it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings
from django.test import override_settings

from paperhaul.search.embeddings import (
    Embedder,
    EmbeddingError,
    choose_runtime,
    cpu_has_amx,
    document_text,
    get_embedder,
    load_embedder,
    query_vector,
)

ABSTRACT = (
    "We introduce a sparse mixture-of-experts language model in which each token is routed to two "
    "of sixty-four feed-forward experts. At equal compute it matches a dense model twice its size "
    "on reasoning benchmarks, and we analyse how experts specialise by language and by topic."
)
TEXTS = [
    "Attention is all you need",
    ABSTRACT,
    "diffusion models for protein structure generation",
    "",
    "Reinforcement learning from human feedback aligns language models with what people prefer. " * 3,
    "GNN",
]


@pytest.fixture(scope="module")
def onnx_embedder() -> Embedder:
    return load_embedder(runtime="onnx-int8")


@pytest.fixture(scope="module")
def torch_embedder() -> Embedder:
    return load_embedder(runtime="torch")


@pytest.fixture(scope="module")
def bf16_embedder() -> Embedder:
    return load_embedder(runtime="torch-bf16")


@pytest.fixture(
    params=["onnx_embedder", "torch_embedder", "bf16_embedder"], ids=["onnx-int8", "torch", "torch-bf16"]
)
def embedder(request) -> Embedder:
    return request.getfixturevalue(request.param)


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1)


def test_vectors_are_unit_float32_rows_of_the_model_dimension(embedder):
    vectors = embedder.encode(TEXTS)
    assert embedder.dimension == 384
    assert vectors.dtype == np.float32
    assert vectors.shape == (len(TEXTS), 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_empty_input_gives_no_rows(embedder):
    vectors = embedder.encode([])
    assert vectors.shape == (0, 384)
    assert vectors.dtype == np.float32


def test_a_paraphrase_is_closer_than_an_unrelated_text(embedder):
    query, paraphrase, unrelated = embedder.encode(
        [
            "mixture of experts language model with token routing",
            ABSTRACT,
            "A randomised trial of a new vaccine against seasonal influenza in elderly patients.",
        ]
    )
    assert query @ paraphrase > query @ unrelated + 0.2


def test_the_runtimes_agree_and_their_vectors_share_one_name(onnx_embedder, torch_embedder, bf16_embedder):
    """Papers embedded in bulk on one runtime are searched with queries embedded on another."""
    assert [e.runtime for e in (onnx_embedder, torch_embedder, bf16_embedder)] == [
        "onnx-int8",
        "torch",
        "torch-bf16",
    ]
    assert {e.model_id for e in (onnx_embedder, torch_embedder, bf16_embedder)} == {"all-MiniLM-L6-v2"}
    reference = torch_embedder.encode(TEXTS)
    assert cosines(onnx_embedder.encode(TEXTS), reference).min() > 0.97
    assert cosines(bf16_embedder.encode(TEXTS), reference).min() > 0.99
    query = onnx_embedder.encode(["sparse mixture of experts routing two experts per token"])[0]
    papers = bf16_embedder.encode([ABSTRACT, TEXTS[2], TEXTS[4]])
    assert int(np.argmax(papers @ query)) == 0


def test_rows_come_back_in_input_order_although_batches_are_sorted_by_length(onnx_embedder):
    small_batches = load_embedder(runtime="onnx-int8", batch_size=2)
    together = small_batches.encode(TEXTS)
    alone = np.vstack([onnx_embedder.encode([text]) for text in TEXTS])
    # int8 activations are scaled per batch, so a text's vector moves a little with its neighbours.
    similarity = together @ alone.T
    assert list(similarity.argmax(axis=1)) == list(range(len(TEXTS)))
    assert np.diag(similarity).min() > 0.95


def test_a_very_long_text_is_truncated_at_the_model_limit(embedder):
    long = ABSTRACT * 60  # several thousand tokens; the model reads 256
    cut, longer = embedder.encode([long, long + " And one more sentence that the model never reads."])
    assert float(cut @ longer) > 0.9999


@pytest.mark.parametrize("runtime", ["onnx-int8", "torch", "torch-bf16"])
def test_the_token_setting_cuts_texts_shorter_and_names_the_vectors(runtime):
    same_start = ABSTRACT.split(" At equal")[0] + " Nothing after this point is the same as before."
    short = load_embedder(runtime=runtime, max_tokens=16)
    assert short.model_id == "all-MiniLM-L6-v2:16-tokens"
    cut, cut_other = short.encode([ABSTRACT, same_start])
    assert float(cut @ cut_other) > 0.9999
    full, full_other = load_embedder(runtime=runtime).encode([ABSTRACT, same_start])
    assert float(full @ full_other) < 0.99
    # A limit beyond the model's own changes nothing, so it keeps the plain model id.
    assert load_embedder(runtime=runtime, max_tokens=100_000).model_id == "all-MiniLM-L6-v2"
    with pytest.raises(EmbeddingError, match="max tokens"):
        load_embedder(runtime=runtime, max_tokens=-1)


def test_get_embedder_follows_the_token_setting(onnx_embedder):
    with override_settings(PAPERHAUL_EMBEDDING_RUNTIME="onnx-int8", PAPERHAUL_EMBEDDING_MAX_TOKENS=64):
        assert get_embedder().model_id == "all-MiniLM-L6-v2:64-tokens"


def test_queries_on_auto_never_import_pytorch(onnx_embedder):
    """Importing PyTorch costs each web worker about 2 s and 200 MB, for a slower query."""
    code = (
        "import sys, django; django.setup();"
        "from paperhaul.search.embeddings import get_embedder;"
        "embedder = get_embedder();"
        "print(embedder.model_id, embedder.runtime, 'torch' in sys.modules)"
    )
    environment = {**os.environ, "PAPERHAUL_HOME": str(settings.HOME)}
    environment.update(DJANGO_SETTINGS_MODULE="paperhaul.settings", PAPERHAUL_EMBEDDING_RUNTIME="auto")
    answer = subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True)
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.split() == ["all-MiniLM-L6-v2", "onnx-int8", "False"]


@pytest.mark.parametrize(
    ("gpu", "amx", "documents"),
    [(True, True, "torch"), (False, True, "torch-bf16"), (False, False, "onnx-int8")],
)
def test_auto_embeds_papers_on_the_fastest_runtime_of_the_machine(monkeypatch, gpu, amx, documents):
    from paperhaul.search import embeddings

    monkeypatch.setattr(embeddings, "gpu_available", lambda: gpu)
    monkeypatch.setattr(embeddings, "cpu_has_amx", lambda: amx)
    assert choose_runtime("auto", "documents") == documents
    assert choose_runtime("auto", "query") == "onnx-int8"
    assert choose_runtime("torch", "query") == choose_runtime("torch", "documents") == "torch"


def test_amx_is_read_from_the_cpu_flags(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu avx2 avx512f amx_bf16 amx_tile amx_int8\n")
    assert cpu_has_amx(cpuinfo)
    cpuinfo.write_text(
        "processor\t: 0\nflags\t\t: fpu avx2 avx512_bf16\nbugs\t\t: amx_bf16_is_not_a_flag_here\n"
    )
    assert not cpu_has_amx(cpuinfo)
    assert not cpu_has_amx(tmp_path / "missing")


@override_settings(PAPERHAUL_EMBEDDING_RUNTIME="onnx-int8")
def test_queries_and_papers_share_one_embedder_when_they_share_a_runtime(onnx_embedder):
    assert get_embedder("documents") is get_embedder("query")


def test_document_text_puts_the_title_first():
    assert document_text("Scaling Laws", "We study scaling.") == "Scaling Laws. We study scaling."
    assert document_text("Is this it?", " An answer. ") == "Is this it? An answer."
    assert document_text("Only a title ", "") == "Only a title"


def test_a_missing_model_folder_is_a_clear_error(tmp_path):
    missing = tmp_path / "no-such-model"
    with pytest.raises(EmbeddingError, match=re.escape(str(missing))):
        load_embedder(str(missing))


def test_a_folder_without_a_model_is_a_clear_error(tmp_path):
    (tmp_path / "notes.txt").write_text("not a model")
    with pytest.raises(EmbeddingError, match=re.escape(str(tmp_path))):
        load_embedder(str(tmp_path), runtime="torch")


def test_a_model_name_not_available_offline_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(EmbeddingError, match="someone/no-such-model"):
        load_embedder("someone/no-such-model", runtime="torch")


def test_an_unknown_runtime_is_a_clear_error():
    with pytest.raises(EmbeddingError, match="tensorflow"):
        load_embedder(runtime="tensorflow")


def test_the_thread_setting_reaches_onnx_runtime(onnx_embedder):
    one = load_embedder(runtime="onnx-int8", threads=1)
    assert one.session.get_session_options().intra_op_num_threads == 1
    # The default is one thread per CPU the process may use; the vectors do not depend on it.
    default = onnx_embedder.session.get_session_options().intra_op_num_threads
    assert default == len(os.sched_getaffinity(0))
    assert np.allclose(one.encode(TEXTS), onnx_embedder.encode(TEXTS), atol=1e-6)
    with pytest.raises(EmbeddingError, match="threads"):
        load_embedder(runtime="onnx-int8", threads=-1)


def test_get_embedder_follows_the_thread_setting(onnx_embedder):
    with override_settings(PAPERHAUL_EMBEDDING_RUNTIME="onnx-int8", PAPERHAUL_EMBEDDING_THREADS=1):
        assert get_embedder().session.get_session_options().intra_op_num_threads == 1


def test_a_damaged_cached_model_is_detected_and_rebuilt(onnx_embedder, tmp_path):
    cache = Path(settings.HOME) / "models" / "all-MiniLM-L6-v2"
    copy = tmp_path / "models" / "all-MiniLM-L6-v2"
    shutil.copytree(cache, copy)
    model_file = copy / "model-int8.onnx"
    model_file.write_bytes(model_file.read_bytes()[: model_file.stat().st_size // 2])
    with override_settings(HOME=tmp_path):
        rebuilt = load_embedder(runtime="onnx-int8")
    assert model_file.stat().st_size == (cache / "model-int8.onnx").stat().st_size
    assert cosines(rebuilt.encode(TEXTS), onnx_embedder.encode(TEXTS)).min() > 0.999


@override_settings(PAPERHAUL_EMBEDDING_RUNTIME="onnx-int8", PAPERHAUL_EMBEDDING_BATCH=8)
def test_get_embedder_creates_one_instance_for_all_threads(onnx_embedder):
    seen: list[Embedder] = []
    threads = [threading.Thread(target=lambda: seen.append(get_embedder())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 4
    assert all(instance is seen[0] for instance in seen)
    assert seen[0] is get_embedder()
    assert seen[0].model_id == "all-MiniLM-L6-v2"


def test_loading_the_model_draws_nothing_on_the_terminal(capfd):
    """Commands draw their own progress; transformers' "Loading weights" bar would come between."""
    load_embedder(runtime="torch")
    assert capfd.readouterr().err == ""


def test_a_query_is_embedded_once_and_its_vector_shared_read_only(onnx_embedder):
    """Sorting, filtering or paging a search, and polling a followed one, ask for the same text."""
    asked: list[list[str]] = []

    class Counting:
        model_id, runtime, dimension = onnx_embedder.model_id, "counting", onnx_embedder.dimension

        def encode(self, texts):
            asked.append(list(texts))
            return onnx_embedder.encode(texts)

    counting = Counting()
    first = query_vector(counting, "sparse mixture of experts")
    assert query_vector(counting, "sparse mixture of experts") is first
    assert asked == [["sparse mixture of experts"]]
    with pytest.raises(ValueError, match="read-only"):
        first[0] = 1.0
    query_vector(counting, "dense experts")
    assert asked[-1] == ["dense experts"]
