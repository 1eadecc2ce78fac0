"""BibTeX citations of papers: what a researcher pastes into the ``.bib`` of their own paper.

A preprint is written as arXiv's own export writes it (``@misc`` with ``eprint``,
``archivePrefix`` and ``primaryClass``, which biblatex and natbib styles print as
"arXiv:2311.11077 [cs.CL]"), with its DOI and journal reference when known; a paper with a
venue and no arXiv id is an ``@inproceedings`` (a conference, workshop or proceedings) or an
``@article``; anything else a ``@misc`` with its URL.

Citation keys have Google Scholar's shape, the one researchers expect: the first author's
family name, the year, the first word of the title that is not a stop word
(``vaswani2017attention``); a second paper with the same key in one file gets ``b``, a third
``c``. A paper imported from the researcher's own .bib keeps the key it had there, so their
LaTeX still compiles.

Text stays Unicode (biber, and bibtex with ``inputenc``, read UTF-8) and TeX stays TeX
(arXiv titles carry ``$\\alpha$`` and ``\\"o``); what TeX would misread outside math is escaped
(``& % # _``), unbalanced braces are dropped (BibTeX cannot read past them), and title words
with a capital inside them (BERT, LLaMA, GPT-4, ImageNet; not Title-Case compounds such as
Few-Shot) are braced, so styles that lower-case titles keep them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping

from bibtexparser.middlewares.names import parse_single_name_into_parts

from paperhaul.papers import ids
from paperhaul.papers.citations import is_proceedings, with_citations, year_of
from paperhaul.papers.models import Paper

MEDIA_TYPE = "application/x-bibtex; charset=utf-8"
_MATH_RE = re.compile(r"(\$[^$]*\$)")
_SPECIAL_RE = re.compile(r"(?<!\\)([&%#_])")
_LONE_DOLLAR_RE = re.compile(r"(?<!\\)\$")
# A double backslash (a line break), an escaped brace, a bare brace, a backslash, or other text.
_TOKEN_RE = re.compile(r"\\\\|\\[{}]|[{}]|\\|[^{}\\]+")
_WORD_RE = re.compile(r"(?<![\\\w-])[\w'-]+")
_STOP_WORDS = frozenset(
    {"a", "an", "the", "on", "of", "for", "in", "to", "and", "or", "with", "without", "towards"}
    | {"toward", "via", "is", "are", "be", "do", "does", "what", "how", "why", "when", "where"}
    | {"which", "can", "at", "by", "from", "as", "into", "over", "under", "not", "no", "we", "you"}
)


def entries(papers: Iterable[Paper], notes: Mapping[int, str] | None = None) -> Iterator[str]:
    """One BibTeX entry per paper in the given order (a blank line before each but the first),
    each citation key used once in the stream; ``notes`` (a reader's, by paper id) become the
    entries' ``annote``, which reference managers import as notes."""
    used: dict[str, int] = {}
    separator = ""
    for paper, own in with_citations(papers):
        year = year_of(paper, own)
        key = own.get("citation_key") or citation_key(paper, year)
        count = used.get(key, 0)
        used[key] = count + 1
        note = (notes or {}).get(paper.pk, "")
        yield separator + entry(paper, key if count == 0 else f"{key}{_suffix(count)}", year, note)
        separator = "\n"


def bibliography(papers: Iterable[Paper], notes: Mapping[int, str] | None = None) -> str:
    """The entries of ``papers`` as one .bib text."""
    return "".join(entries(papers, notes))


def entry(paper: Paper, key: str, year: int | None, note: str = "") -> str:
    """The entry of ``paper`` under the citation key ``key``."""
    kind, _, rest = paper.key.partition(":")
    doi = paper.doi or (rest if kind == "doi" else "")
    fields = [("title", _protect_capitals(_tex(paper.title)))]
    if paper.authors:
        fields.append(("author", " and ".join(_author(name) for name in paper.authors)))
    if year:
        fields.append(("year", str(year)))
    if kind == "arxiv":
        entry_type = "misc"
        fields += [("eprint", rest), ("archivePrefix", "arXiv")]
        if paper.primary_category:
            fields.append(("primaryClass", paper.primary_category))
        if paper.journal_ref:
            fields.append(("note", _tex(paper.journal_ref)))
    elif paper.journal_ref and is_proceedings(paper.journal_ref):
        entry_type = "inproceedings"
        fields.append(("booktitle", _tex(paper.journal_ref)))
    elif paper.journal_ref:
        entry_type = "article"
        fields.append(("journal", _tex(paper.journal_ref)))
    else:
        entry_type = "misc"
    if doi:
        fields.append(("doi", doi))
    if url := paper.url:
        fields.append(("url", url))
    if note:
        fields.append(("annote", _tex(note)))
    body = ",\n".join(f"  {name} = {{{_balanced(value)}}}" for name, value in fields)
    return f"@{entry_type}{{{key},\n{body}\n}}\n"


def citation_key(paper: Paper, year: int | None) -> str:
    """``vaswani2017attention``: family name, year and first telling word of the title."""
    family = _ascii_word(_family_name(paper.authors[0])) if paper.authors else ""
    words = [w for w in ids.normalise_title(paper.title).split() if w.isalnum()]
    telling = next((w for w in words if w not in _STOP_WORDS), words[0] if words else "")
    key = f"{family}{year or ''}{_ascii_word(telling)}"
    return key or "paper"


def _family_name(name: str) -> str:
    parts = parse_single_name_into_parts(name, strict=False)
    return "".join(parts.last) or name


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def _suffix(count: int) -> str:
    """b, c, ... z, then aa, ab, ... for the second, third... paper under one key."""
    letters = ""
    number = count + 1  # bijective base 26: 1 is a, 26 is z, 27 is aa
    while number:
        number, rest = divmod(number - 1, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[rest] + letters
    return letters


def _author(name: str) -> str:
    # A name with " and " inside (a group's name) is one author only when braced.
    text = _tex(name)
    return f"{{{text}}}" if " and " in f" {text} " else text


def _tex(text: str) -> str:
    """``text`` with ``& % # _`` escaped outside math and a lone ``$`` escaped."""
    parts = _MATH_RE.split(text)
    for i in range(0, len(parts), 2):  # even parts are outside math
        parts[i] = _LONE_DOLLAR_RE.sub(r"\\$", _SPECIAL_RE.sub(r"\\\1", parts[i]))
    return "".join(parts)


def _protect_capitals(title: str) -> str:
    """Brace words with a capital inside them (see _has_inner_capital), outside math and braces."""
    if "{" in title:  # the title protects what it wants already
        return title
    parts = _MATH_RE.split(title)
    for i in range(0, len(parts), 2):
        parts[i] = _WORD_RE.sub(lambda m: f"{{{m[0]}}}" if _has_inner_capital(m[0]) else m[0], parts[i])
    return "".join(parts)


def _has_inner_capital(word: str) -> bool:
    """BERT, LLaMA, GPT-4, ImageNet: a capital after the first letter of a part of the word
    (Title-Case compounds such as Few-Shot or Vision-Language are not)."""
    return any(char.isupper() for part in word.split("-") for char in part[1:])


def _balanced(text: str) -> str:
    r"""``text`` without the braces that have no partner, so that BibTeX (which counts every
    brace) and readers that skip escaped ones (``\{``) both find where the value ends.

    Escaped and bare braces are paired separately (two properly nested sequences stay balanced
    however they interleave), and backslashes that end the value go too: a reader would take
    them for an escape of its closing brace.
    """
    tokens = _TOKEN_RE.findall(text)
    dropped: set[int] = set()
    for escaped in (False, True):
        open_at: list[int] = []
        for index, token in enumerate(tokens):
            if token not in ("{", "}", "\\{", "\\}") or token.startswith("\\") != escaped:
                continue
            if token.endswith("{"):
                open_at.append(index)
            elif open_at:
                open_at.pop()
            else:
                dropped.add(index)
        dropped.update(open_at)
    kept = [token for index, token in enumerate(tokens) if index not in dropped]
    while kept and kept[-1] in ("\\", "\\\\"):
        kept.pop()
    return "".join(kept)
