"""Semantic and hybrid search, related papers and the vector index, with the real embedding model."""

from __future__ import annotations

import json

import numpy as np
import pytest
from django.test import override_settings
from usearch.index import Index, ScalarKind

from paperhaul.papers.models import Paper
from paperhaul.search import store
from paperhaul.search.embeddings import get_embedder
from paperhaul.search.filters import Filters
from paperhaul.search.indexing import embed_pending, pending_count
from paperhaul.search.models import Embedding
from paperhaul.search.service import SearchRequest, related, search
from paperhaul.search.vectors import VectorIndex, exact_nearest, vector_index
from tests.search.conftest import PAPERS

pytestmark = pytest.mark.django_db

DESCRIPTIONS = {
    "that paper where they put DPO on an image diffusion model": "arxiv:2311.12908",
    "the deepmind one that learned to play video games from pixels": "arxiv:1312.5602",
    "openai model that transcribes audio into text": "arxiv:2212.04356",
    "cheap finetuning by adding small matrices to frozen weights": "arxiv:2106.09685",
}


def top(q: str, mode: str, **kwargs) -> list[str]:
    return [hit.key for hit in search(SearchRequest(q=q, mode=mode, **kwargs)).hits]


@pytest.mark.parametrize("description", DESCRIPTIONS)
def test_a_description_finds_the_paper(embedded, description):
    assert DESCRIPTIONS[description] in top(description, "semantic")[:2]
    assert top(description, "hybrid")[0] == DESCRIPTIONS[description]


def test_semantic_without_vectors_falls_back_to_lexical_and_says_so(library):
    results = search(SearchRequest(q="diffusion", mode="semantic"))
    assert results.mode == "lexical"
    assert "paperhaul embed" in results.notice
    assert results.hits


def test_vectors_of_another_model_only_fall_back_to_lexical(embedded):
    get_embedder()  # loaded: the search skips its "any vectors at all?" check
    Embedding.objects.update(model="some-older-model")
    store.forget_counts()
    results = search(SearchRequest(q="diffusion", mode="hybrid"))
    assert (results.mode, results.notice) == (
        "lexical",
        "no paper has a vector yet (run `paperhaul embed`); showing lexical results",
    )
    assert results.hits


def test_filters_and_operators_apply_to_semantic_results(embedded):
    assert top("image generation", "semantic", filters=Filters(categories=("cs.CL",))) != []
    for key in top("image generation", "semantic", filters=Filters(categories=("cs.CL",))):
        assert "cs.CL" in Paper.objects.get(key=key).categories.values_list("name", flat=True)
    assert "arxiv:2311.12908" not in top("image generation -preference", "semantic")
    assert top("language author:ouyang", "semantic") == ["arxiv:2203.02155"]
    assert top("language author:ouyang", "hybrid") == ["arxiv:2203.02155"]


def test_embedding_is_incremental_and_follows_changes(embedded):
    model = get_embedder().model_id
    assert Embedding.objects.filter(model=model).count() == len(PAPERS)
    assert pending_count(model) == 0
    assert embed_pending().embedded == 0
    paper = Paper.objects.get(key="arxiv:1312.5602")
    paper.note = "a note changes nothing that is embedded"
    paper.save()
    again = embed_pending()
    assert (again.embedded, again.unchanged) == (0, 1)
    paper.abstract = "We teach a robot arm to fold laundry."
    paper.save()
    assert embed_pending().embedded == 1
    assert top("robot folding clothes", "semantic")[0] == "arxiv:1312.5602"


def test_a_model_change_re_embeds_and_never_mixes(embedded):
    model = get_embedder().model_id
    Embedding.objects.filter(paper__key="arxiv:1706.03762").update(model="some-older-model")
    assert pending_count(model) == 1
    assert "arxiv:1706.03762" not in top("attention transformer translation", "semantic", limit=20)
    embed_pending()
    assert set(Embedding.objects.values_list("model", flat=True)) == {model}
    assert top("attention transformer translation", "semantic")[0] == "arxiv:1706.03762"


def test_a_shorter_token_limit_asks_for_every_paper_again(embedded):
    with override_settings(PAPERHAUL_EMBEDDING_MAX_TOKENS=64):
        assert pending_count(get_embedder().model_id) == len(PAPERS)


def test_related_papers_are_on_the_same_topic(embedded):
    instruct = Paper.objects.get(key="arxiv:2203.02155")
    hits = [h.key for h in related(instruct, limit=3)]
    assert instruct.key not in hits
    assert hits[0] == "arxiv:2005.14165"  # GPT-3, which InstructGPT fine-tunes
    assert "arxiv:hep-th/9901001" not in hits


def test_hybrid_pages_do_not_overlap(embedded):
    first = search(SearchRequest(q="language models", limit=3))
    second = search(SearchRequest(q="language models", limit=3, offset=3))
    assert first.has_more
    assert not {h.key for h in first.hits} & {h.key for h in second.hits}


@override_settings(PAPERHAUL_SEARCH_EXACT_BELOW=1)
def test_the_ann_index_agrees_with_exact_search(embedded):
    model = get_embedder().model_id
    ids, matrix, _ = store.rows_after(model, 0)
    index = vector_index(model)
    for row in range(len(ids)):
        exact = [s.id for s in exact_nearest(ids, matrix, matrix[row], 5)]
        assert [s.id for s in index.nearest(matrix[row], 5)] == exact
    assert index.path.exists()


def ann_answer(k: int) -> tuple[VectorIndex, np.ndarray, list[int]]:
    """The ANN index (its file written by this first search), a query and its k nearest papers."""
    index = vector_index(get_embedder().model_id)
    query = get_embedder().encode(["diffusion preference optimization"])[0]
    return index, query, [s.id for s in index.nearest(query, k)]


@override_settings(PAPERHAUL_SEARCH_EXACT_BELOW=1)
def test_the_ann_index_repairs_itself_after_a_crash(embedded):
    index, query, expected = ann_answer(3)
    index.path.write_bytes(b"half a file")  # a crash while the file was written
    index._view_stamp = None
    assert [s.id for s in index.nearest(query, 3)] == expected


@override_settings(PAPERHAUL_SEARCH_EXACT_BELOW=1)
def test_papers_deleted_after_the_index_file_was_written_never_come_back(embedded):
    index, query, expected = ann_answer(4)
    gone = Paper.objects.get(pk=expected[0])
    gone.delete()
    store.forget_counts()
    # Still in the file, not in the answer, and the answer is still 3 papers long.
    assert index._view.contains(expected[0])
    assert [s.id for s in index.nearest(query, 3)] == expected[1:]
    hits = [h.key for h in search(SearchRequest(q="diffusion preference", mode="semantic")).hits]
    assert hits and gone.key not in hits


@override_settings(PAPERHAUL_SEARCH_EXACT_BELOW=1)
def test_an_index_file_of_another_scalar_type_is_rebuilt(embedded):
    index, query, expected = ann_answer(3)
    # The file as paperhaul wrote it before bfloat16: float16, no type in its metadata.
    ids, matrix, max_row = store.rows_after(index.model_id, 0)
    old = Index(ndim=matrix.shape[1], metric="cos", dtype="f16")
    old.add(ids.astype(np.uint64), matrix)
    old.save(str(index.path))
    meta = {"model": index.model_id, "max_row": max_row, "count": len(ids), "size": index.path.stat().st_size}
    index.meta_path.write_text(json.dumps(meta))
    assert [s.id for s in index.nearest(query, 3)] == expected
    assert Index.restore(str(index.path), view=True).dtype == ScalarKind.BF16
    assert json.loads(index.meta_path.read_text())["dtype"] == "bf16"


def test_vectors_are_unit_length_and_stored_with_their_model(embedded):
    row = Embedding.objects.first()
    vector = np.frombuffer(bytes(row.vector), dtype="<f4")
    assert vector.shape == (get_embedder().dimension,)
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-3
    assert row.model == get_embedder().model_id


def test_the_vector_index_and_onnx_runtime_load_in_either_order():
    """usearch 2.26 exported a static libstdc++ that crashed onnxruntime loaded after it (pinned below)."""
    import subprocess
    import sys

    for modules in ("usearch.index, onnxruntime", "onnxruntime, usearch.index"):
        done = subprocess.run([sys.executable, "-c", f"import {modules}"], capture_output=True, timeout=120)
        assert done.returncode == 0, (modules, done.stderr[-500:])
