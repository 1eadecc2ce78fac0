"""Upgrading a library whose vectors were named with their runtime keeps its vectors, topics and index."""

from __future__ import annotations

import json

import numpy as np
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from paperhaul.enrich.models import TopicState
from paperhaul.papers.models import Paper
from paperhaul.search import store
from paperhaul.search.models import Embedding
from paperhaul.search.vectors import VectorIndex

BEFORE = [("search", "0004_author_words")]
AFTER = [("search", "0005_vectors_named_by_model")]


def migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_vector_names_lose_their_runtime_and_nothing_else_changes(tmp_path, settings):
    settings.HOME = tmp_path
    migrate(BEFORE)
    papers = [Paper.objects.create(key=f"arxiv:2401.0000{i}", title=f"Paper {i}") for i in range(4)]
    old_ids = [
        "all-MiniLM-L6-v2:onnx-int8",
        "other:torch",
        "mine:torch:128-tokens",
        "someone/model",
    ]
    # Rows written directly: on PostgreSQL, store.save would also create the pgvector table, whose
    # foreign key keeps the end of this test from emptying the tables.
    vector = store.to_bytes(np.ones(4, dtype=np.float32) / 2)
    now = timezone.now()
    Embedding.objects.bulk_create(
        Embedding(paper=paper, model=model, text_hash="hash", vector=vector, embedded_at=now)
        for paper, model in zip(papers, old_ids, strict=True)
    )
    TopicState.objects.create(paper=papers[0], basis="f00d|all-MiniLM-L6-v2:onnx-int8", decided_at=now)
    TopicState.objects.create(paper=papers[1], basis="f00d|words", decided_at=now)
    old_index = VectorIndex("all-MiniLM-L6-v2:onnx-int8")
    old_index.folder.mkdir(parents=True)
    old_index.path.write_bytes(b"usearch file")
    old_index.meta_path.write_text(json.dumps({"model": old_index.model_id, "max_row": 9, "size": 12}))

    migrate(AFTER)

    assert list(Embedding.objects.order_by("paper_id").values_list("model", flat=True)) == [
        "all-MiniLM-L6-v2",
        "other",
        "mine:128-tokens",
        "someone/model",
    ]
    assert Embedding.objects.filter(text_hash="hash").count() == 4
    assert sorted(TopicState.objects.values_list("basis", flat=True)) == [
        "f00d|all-MiniLM-L6-v2",
        "f00d|words",
    ]
    new_index = VectorIndex("all-MiniLM-L6-v2")
    assert new_index.path.read_bytes() == b"usearch file"
    assert json.loads(new_index.meta_path.read_text()) == {
        "model": "all-MiniLM-L6-v2",
        "max_row": 9,
        "size": 12,
    }
    assert not old_index.path.exists() and not old_index.meta_path.exists()


@pytest.mark.django_db(transaction=True)
def test_vectors_of_two_runtimes_under_one_name_drop_both_index_files(tmp_path, settings):
    """Neither runtime's file holds the other's vectors: the next build makes one of every row."""
    settings.HOME = tmp_path
    migrate(BEFORE)
    papers = [Paper.objects.create(key=f"arxiv:2402.0000{i}", title=f"Paper {i}") for i in range(2)]
    olds = ["all-MiniLM-L6-v2:onnx-int8", "all-MiniLM-L6-v2:torch"]
    vector = store.to_bytes(np.ones(4, dtype=np.float32) / 2)
    Embedding.objects.bulk_create(
        Embedding(paper=paper, model=model, text_hash="hash", vector=vector, embedded_at=timezone.now())
        for paper, model in zip(papers, olds, strict=True)
    )
    indexes = [VectorIndex(model) for model in olds]
    indexes[0].folder.mkdir(parents=True)
    for index in indexes:
        index.path.write_bytes(b"usearch file")
        index.meta_path.write_text(json.dumps({"model": index.model_id, "max_row": 1, "size": 12}))

    migrate(AFTER)

    assert set(Embedding.objects.values_list("model", flat=True)) == {"all-MiniLM-L6-v2"}
    assert not VectorIndex("all-MiniLM-L6-v2").path.exists()
    assert not any(index.path.exists() or index.meta_path.exists() for index in indexes)
