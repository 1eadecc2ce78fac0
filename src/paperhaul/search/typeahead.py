"""Suggestions while a reader types: titles, arXiv ids and author names, forgiving typos.

Every step is an index lookup bounded by a small LIMIT (key and normalised-title B-trees, FTS
prefix queries read newest first), so the cost does not grow with the library. Words that match
nothing are corrected against the indexed title and author vocabulary.
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from paperhaul.papers.ids import normalise_title, url_for_key
from paperhaul.papers.models import Paper
from paperhaul.search.backend import SearchBackend, get_backend
from paperhaul.search.hit_rows import HitRow, hit_rows

LIMIT = 8
VOCABULARY_TTL = 300.0
MAX_WORD = 64
MAX_AUTHORS = 3
MAX_INPUT = 200
_ARXIV_PREFIX_RE = re.compile(
    r"^(?:arxiv:)?(\d{4}(?:\.\d{0,5})?(?:v\d*)?|[a-z-]+(?:\.[a-z]{2})?/\d{0,7})$", re.I
)
_WORD_RE = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Suggestion:
    kind: str  # "paper" or "author"
    label: str
    key: str  # the paper's key, or the author's name
    url: str
    detail: str

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "label": self.label,
            "key": self.key,
            "url": self.url,
            "detail": self.detail,
        }


def suggest(text: str, limit: int = LIMIT) -> list[Suggestion]:
    """At most `limit` suggestions for what has been typed so far, best first."""
    text = _clean(text)
    if not text:
        return []
    backend = get_backend()
    ids = _ordered_unique(_arxiv_prefix(text, limit) + _title_prefix(text, limit))
    # Each later step only fills the slots the earlier ones left free.
    if len(ids) < limit:
        ids = _ordered_unique(ids + backend.title_word_matches(text, limit))
    if len(ids) < limit:
        repaired = _repair(backend, text)
        if repaired and repaired != text:
            ids = _ordered_unique(ids + backend.title_word_matches(repaired, limit))
    authors = _authors(backend, text)
    # Authors get the slots papers leave free, and at least two when they match.
    authors = authors[: max(2, limit - len(ids))]
    ids = ids[: limit - len(authors)]
    papers = hit_rows(ids)
    return [_paper_suggestion(papers[i]) for i in ids if i in papers] + authors


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")[:MAX_INPUT]
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.split())


def _ordered_unique(ids: list[int]) -> list[int]:
    return list(dict.fromkeys(ids))


def _arxiv_prefix(text: str, limit: int) -> list[int]:
    match = _ARXIV_PREFIX_RE.match(text)
    if not match:
        return []
    prefix = "arxiv:" + match.group(1).lower().split("v")[0] if "/" not in text else "arxiv:" + match.group(1)
    rows = Paper.objects.filter(key__gte=prefix, key__lt=prefix + "\U0010ffff").order_by("key")
    return list(rows.values_list("pk", flat=True)[:limit])


def _title_prefix(text: str, limit: int) -> list[int]:
    norm = normalise_title(text)
    if len(norm) < 2:
        return []
    rows = Paper.objects.filter(title_norm__gte=norm, title_norm__lt=norm + "\U0010ffff").order_by(
        "title_norm"
    )
    return list(rows.values_list("pk", flat=True)[:limit])


def _repair(backend: SearchBackend, text: str) -> str:
    """The text with each word that the index does not know replaced by the nearest indexed word."""
    words = _WORD_RE.findall(text.casefold())
    repaired = []
    for position, word in enumerate(words):
        last = position == len(words) - 1
        if len(word) < 4 or backend.title_word_matches(word if last else f"{word} ", 1):
            repaired.append(word)
            continue
        budget = 1 if len(word) <= 5 else 2
        lengths = range(len(word) - budget, len(word) + budget + (8 if last else 1))
        vocabulary = [term for term in _vocabulary(backend, word[:2]) if len(term) in lengths]
        # A word still being typed is compared with the beginnings of indexed words, of its own
        # length give or take the budget ("serch" is one letter from "search" but two from
        # "searc"); on a tie, the beginning of the word's own length wins.
        own = len(word)
        cuts = (None,)
        if last:
            cuts = sorted(range(own - budget, own + budget + 1), key=lambda cut: abs(cut - own))
        best = None
        for cut in cuts:
            choices = [term[:cut] for term in vocabulary]
            found = process.extractOne(word, choices, scorer=Levenshtein.distance, score_cutoff=budget)
            if found and (best is None or found[1] < best[1]):
                best = found
        repaired.append(best[0] if best else word)
    return " ".join(repaired)


_vocabularies: dict[tuple[str, str], tuple[float, list[str]]] = {}
_vocabularies_lock = threading.Lock()


def _vocabulary(backend: SearchBackend, first: str) -> list[str]:
    """Indexed words starting with `first`, kept a few minutes: reading them is a scan of the index,
    and a word that became known since only matters to spelling repairs a little later."""
    key = (backend.name, first)
    with _vocabularies_lock:
        cached = _vocabularies.get(key)
    if cached and time.monotonic() - cached[0] < VOCABULARY_TTL:
        return cached[1]
    words = backend.vocabulary(first, range(1, MAX_WORD))
    with _vocabularies_lock:
        _vocabularies[key] = (time.monotonic(), words)
    return words


def _authors(backend: SearchBackend, text: str) -> list[Suggestion]:
    """Names of authors matching the words typed, most prolific (among recent matches) first."""
    words = [_fold(w) for w in _WORD_RE.findall(text)]
    if not words or len(text) < 3:
        return []
    ids = backend.author_matches(text, 40)
    names: Counter[str] = Counter()
    for authors in Paper.objects.filter(pk__in=ids).values_list("authors", flat=True):
        for name in authors:
            parts = [_fold(p) for p in _WORD_RE.findall(name)]
            if all(any(p.startswith(w) for p in parts) for w in words):
                names[name] += 1
    return [
        Suggestion(
            "author",
            name,
            name,
            "/api/search?" + urlencode({"q": f'author:"{name}"'}),
            f"{count} recent paper{'s' * (count > 1)}",
        )
        for name, count in names.most_common(MAX_AUTHORS)
    ]


def _fold(word: str) -> str:
    """Case and accents removed, as the indexes see words ("Seán" is found by "sean")."""
    return "".join(c for c in unicodedata.normalize("NFD", word.casefold()) if not unicodedata.combining(c))


def _paper_suggestion(paper: HitRow) -> Suggestion:
    year = str(paper.published.year) if paper.published else ""
    first = paper.authors[0] if paper.authors else ""
    detail = " · ".join(
        part for part in (first + (" et al." if len(paper.authors) > 1 else ""), year) if part
    )
    return Suggestion("paper", paper.title, paper.key, paper.abs_url or url_for_key(paper.key), detail)
