"""Keyword filters of a subscription: words and authors a digest must (or must not) mention.

A paper passes when it mentions none of the excluded words and authors and, if any words or
authors are included, at least one of them. Words (or phrases) are matched whole, in any case,
in the title and the abstract; an author entry matches whole words of an author's name, so
"Hinton" matches "Geoffrey Hinton" and "Geoffrey E. Hinton" but not "Hintonsky".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from functools import cached_property

from paperhaul.errors import InputError
from paperhaul.papers.models import Paper

MAX_ENTRIES = 50
MAX_ENTRY_CHARS = 100
_SEPARATORS = re.compile(r"[,;\n]+")


def parse_entries(text: str, what: str) -> tuple[str, ...]:
    """Entries separated by commas, semicolons or lines, trimmed and without repeats; raises InputError."""
    entries = [" ".join(part.split()) for part in _SEPARATORS.split(text or "")]
    entries = list(dict.fromkeys(e for e in entries if e))
    if len(entries) > MAX_ENTRIES:
        raise InputError(f"{what}: at most {MAX_ENTRIES} entries, not {len(entries)}")
    long = next((e for e in entries if len(e) > MAX_ENTRY_CHARS), None)
    if long:
        raise InputError(f"{what}: “{long[:40]}…” is longer than {MAX_ENTRY_CHARS} characters")
    return tuple(entries)


def _pattern(entries: Sequence[str]) -> re.Pattern | None:
    if not entries:
        return None
    alternatives = "|".join(re.escape(e.casefold()) for e in sorted(entries, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


@dataclass(frozen=True)
class KeywordFilter:
    include_words: tuple[str, ...] = ()
    exclude_words: tuple[str, ...] = ()
    include_authors: tuple[str, ...] = ()
    exclude_authors: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return any((self.include_words, self.exclude_words, self.include_authors, self.exclude_authors))

    @cached_property
    def _patterns(self) -> tuple[re.Pattern | None, ...]:
        return tuple(
            _pattern(entries)
            for entries in (
                self.include_words,
                self.exclude_words,
                self.include_authors,
                self.exclude_authors,
            )
        )

    def passes(self, paper: Paper) -> bool:
        include_words, exclude_words, include_authors, exclude_authors = self._patterns
        text = f"{paper.title}\n{paper.abstract}".casefold()
        names = [name.casefold() for name in paper.authors or []]

        def in_text(pattern: re.Pattern | None) -> bool:
            return bool(pattern and pattern.search(text))

        def in_names(pattern: re.Pattern | None) -> bool:
            return bool(pattern and any(pattern.search(name) for name in names))

        if in_text(exclude_words) or in_names(exclude_authors):
            return False
        if include_words is None and include_authors is None:
            return True
        return in_text(include_words) or in_names(include_authors)


# The four lists by name, in order: also the names of the form fields (forms.KeywordFiltersForm) and
# of the JSON fields that keep them (models.KeywordLists).
FIELDS = tuple(field.name for field in fields(KeywordFilter))
