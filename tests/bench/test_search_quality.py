"""The search-quality harness: its metrics, the haul-post parser and the real query sets."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from bench.querysets import Query
from bench.querysets.build_daily import QUERIES, QueryFileError, build_daily
from bench.querysets.build_known_item import build_known_item, plain_query
from bench.querysets.haul_items import commentary_query, parse_haul, repair_mojibake, split_sentences
from bench.search_quality import mrr_at_k, ndcg_at_k, recall_at_k, score_set

POST = """---
title: ML Arxiv Haul ~99
published_at: 2023-01-03T01:28:00.000Z
snippet: test
tags: arxiv
---

## Comments / Criticism

A free section with a link https://example.com/x.

<blockquote>
    <a href="https://arxiv.org/abs/2311.11077v2">
    <h4>Adapters: A Unified Library &amp; More</h4>
    <p>
    We introduce Adapters, an open-source library…
    </p>
    </a>
</blockquote>

The [Adapters library](https://github.com/adapter-hub/adapters) was re-launched, e.g. for LoRA.
<img src="/blog-images/x.png"/> See https://twitter.com/x/status/1. Third sentence here.

<hr/>

<blockquote>
    <a href="https://openreview.net/forum?id=B1lfHhR9tm">
    <h4>The Natural Language Decathlon</h4>
    <p>[openreview.net]</p>
    </a>
</blockquote>

Salesforce researchers combine tasks (<a href="https://x.org/a">a proto BIG-Bench</a>):

<blockquote><em>
Question answering is not a unified phenomenon.
</em></blockquote>

<hr/>

<blockquote>
    <a href="https://cset.georgetown.edu/publication/decoding-intentions/">
    <h4>Decoding Intentions</h4>
    </a>
</blockquote>

👀

<br/>
<br/>
"""


@pytest.mark.parametrize(
    ("ranked", "relevant", "ndcg", "mrr", "recall"),
    [
        (["a", "b", "c"], {"a"}, 1.0, 1.0, 1.0),
        (["x", "a", "c"], {"a"}, 1 / math.log2(3), 0.5, 1.0),
        (["x", "y", "z"], {"a"}, 0.0, 0.0, 0.0),
        ([], {"a"}, 0.0, 0.0, 0.0),
        # Two relevant, found at ranks 1 and 3: DCG 1 + 1/2, ideal 1 + 1/log2(3).
        (["a", "x", "b"], {"a", "b"}, 1.5 / (1 + 1 / math.log2(3)), 1.0, 1.0),
        # Two relevant, one found at rank 2.
        (["x", "b", "y"], {"a", "b"}, (1 / math.log2(3)) / (1 + 1 / math.log2(3)), 0.5, 0.5),
        # A key listed twice counts once.
        (["a", "a"], {"a", "b"}, 1 / (1 + 1 / math.log2(3)), 1.0, 0.5),
    ],
)
def test_metrics_on_hand_computed_rankings(ranked, relevant, ndcg, mrr, recall) -> None:
    assert ndcg_at_k(ranked, relevant, 10) == pytest.approx(ndcg)
    assert mrr_at_k(ranked, relevant, 10) == pytest.approx(mrr)
    assert recall_at_k(ranked, relevant, 10) == pytest.approx(recall)


def test_metrics_only_look_at_the_top_k() -> None:
    ranked = [f"x{i}" for i in range(10)] + ["a"]
    assert ndcg_at_k(ranked, {"a"}, 10) == mrr_at_k(ranked, {"a"}, 10) == recall_at_k(ranked, {"a"}, 10) == 0
    assert mrr_at_k(ranked, {"a"}, 11) == pytest.approx(1 / 11)


def test_a_query_without_answers_is_an_error() -> None:
    with pytest.raises(ValueError):
        ndcg_at_k(["a"], set(), 10)


def test_score_set_averages_over_queries() -> None:
    queries = [Query("one", ("a",), "s", "A"), Query("two", ("b",), "s", "B")]
    scores = score_set("set", "lexical", queries, lambda q: ["a", "b"])
    assert scores.queries == 2
    assert scores.ndcg == pytest.approx((1 + 1 / math.log2(3)) / 2)
    assert scores.mrr == pytest.approx(0.75)
    assert scores.recall == 1.0


def test_parse_haul_reads_blocks_and_commentaries() -> None:
    items = parse_haul(POST, "post.md")
    assert [i.url for i in items] == [
        "https://arxiv.org/abs/2311.11077v2",
        "https://openreview.net/forum?id=B1lfHhR9tm",
        "https://cset.georgetown.edu/publication/decoding-intentions/",
    ]
    assert items[0].title == "Adapters: A Unified Library & More"
    assert items[0].abstract == "We introduce Adapters, an open-source library…"
    assert items[1].abstract == ""  # only the site marker
    assert items[2].abstract == ""  # no <p> at all
    assert "<hr" not in items[0].commentary and "Third sentence" in items[0].commentary
    assert "<blockquote><em>" in items[1].commentary
    assert items[2].commentary.startswith("👀")
    assert {i.source for i in items} == {"post.md"}


def test_commentary_query_is_two_plain_sentences() -> None:
    first, second, third = (commentary_query(i.commentary) for i in parse_haul(POST, "post.md"))
    assert first == "The Adapters library was re-launched, e.g. for LoRA. See."
    assert second == (
        "Salesforce researchers combine tasks (a proto BIG-Bench):"
        " Question answering is not a unified phenomenon."
    )
    assert third == ""  # nothing but an emoji


def test_split_sentences_keeps_abbreviations_and_initials() -> None:
    text = "We use e.g. GPT-3 here. J. Smith et al. agree! Why? 1.5B params. done"
    assert split_sentences(text) == [
        "We use e.g. GPT-3 here.",
        "J. Smith et al. agree!",
        "Why?",
        "1.5B params. done",
    ]


def test_plain_query_drops_search_operators() -> None:
    assert plain_query('called "false presuppositions" RLHF -> DPO -- and "well-known".') == (
        "called false presuppositions RLHF > DPO and well-known."
    )


def test_mojibake_is_repaired_and_real_text_left_alone() -> None:
    text = "signals into… 🐛"
    assert repair_mojibake(text.encode().decode("mac_roman")) == text
    assert repair_mojibake("Guaraní… “quoted”") == "Guaraní… “quoted”"


def test_known_item_set_from_the_real_posts(shared: Path, tmp_path: Path) -> None:
    built = build_known_item(shared, tmp_path)
    assert built.corpus_size > 100
    assert len(built.queries) > 100
    keys = {q.relevant[0] for q in built.queries}
    corpus = built.corpus.read_text().splitlines()
    assert len(corpus) == built.corpus_size
    assert all(len(q.query.split()) >= 4 for q in built.queries)
    assert all("http" not in q.query and "<" not in q.query for q in built.queries)
    assert "arxiv:2311.11077" in keys  # the first paper of seed post 000
    assert len({(q.query, q.relevant) for q in built.queries}) == len(built.queries)


def test_every_daily_query_resolves(shared: Path, tmp_path: Path) -> None:
    built = build_daily(shared, tmp_path)
    assert len(built.queries) >= 45
    assert len({q.relevant[0] for q in built.queries}) >= 45
    assert all(q.relevant[0].startswith("title:") for q in built.queries)


def test_an_unknown_daily_title_fails_loudly(shared: Path, tmp_path: Path) -> None:
    queries = tmp_path / "queries.jsonl"
    queries.write_text(QUERIES.read_text() + '{"query": "a paper nobody wrote", "title": "Not A Paper"}\n')
    with pytest.raises(QueryFileError, match="Not A Paper"):
        build_daily(shared, tmp_path, queries)
