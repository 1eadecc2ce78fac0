"""The links dataset (DESIGN.md "Links dataset"): which digest linked which paper, and when.

Real files are hand-edited JavaScript as often as JSON, so the reader is a small tolerant parser
rather than ``json.loads``: trailing commas, an ``export const posts = [...]`` wrapper with its
``;``, ``//`` and ``/* */`` comments, single-quoted strings and unquoted keys are accepted, and
it knows the line where each entry starts so that a bad entry is reported where a person can
find it. ``write_links`` writes the clean form (strict JSON, ISO dates).
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from paperhaul.errors import InputError, RecordError
from paperhaul.papers import ids
from paperhaul.papers.records import PaperRecord, ParsedRecord, clean_text, payload_hash

SOURCE = "links"
FIELDS = ("blog", "src", "title", "posted", "updated")

# ---------------------------------------------------------------------------------------- dates

_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")  # fmt: skip
_MONTH = "(?P<month>[a-z]{3,9})"
_WEEKDAY_RE = re.compile(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+", re.IGNORECASE)
_ISO_RE = re.compile(
    r"^(?P<year>\d{4})(?:[-/](?P<month>\d{1,2})(?:[-/](?P<day>\d{1,2})(?:[T ]\d{1,2}:\d{2}.*)?)?)?$"
)
_DAY_MONTH_YEAR_RE = re.compile(rf"^(?P<day>\d{{1,2}}) {_MONTH} (?P<year>\d{{4}})$")
_MONTH_DAY_YEAR_RE = re.compile(rf"^{_MONTH} (?P<day>\d{{1,2}}) (?P<year>\d{{4}})$")
_MONTH_YEAR_RE = re.compile(rf"^{_MONTH} (?P<year>\d{{4}})$")


def parse_date(text: str | int | None) -> dt.date | None:
    """The date a person wrote, in any of the forms the real files use; None when not a date.

    ``2012`` gives 1 January 2012 and ``Oct 2021`` 1 October 2021 (the text as written is kept
    beside the date by callers, so the lost precision is not lost for good). A timestamp gives
    the calendar date as written, without converting time zones.
    """
    if text is None or isinstance(text, bool):
        return None
    text = str(text).strip()
    match = _ISO_RE.match(text)
    if match:
        return _date(match["year"], match["month"] or 1, match["day"] or 1)
    text = _WEEKDAY_RE.sub("", text.lower())
    text = re.sub(r"\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s.*)?$", "", text)  # "… 10:00:00 GMT"
    text = re.sub(r"(\d)(?:st|nd|rd|th)\b", r"\1", text)
    text = " ".join(re.sub(r"[,.]", " ", text).split())
    for pattern in (_DAY_MONTH_YEAR_RE, _MONTH_DAY_YEAR_RE):
        match = pattern.match(text)
        if match:
            return _date(match["year"], _month(match["month"]), match["day"])
    match = _MONTH_YEAR_RE.match(text)
    if match:
        return _date(match["year"], _month(match["month"]), 1)
    return None


def _month(word: str) -> int:
    """1-12 for a month name or an abbreviation of three letters or more (``Sept``); else 0."""
    for number, name in enumerate(_MONTH_NAMES, 1):
        if name.startswith(word):
            return number
    return 0


def iso_date_as_written(text: str | int | None) -> str | None:
    """ISO 8601 at the precision written: ``2012`` stays ``2012``, ``Oct 2021`` is ``2021-10``."""
    date = parse_date(text)
    if date is None:
        return None
    written = str(text).strip()
    if re.fullmatch(r"\d{4}", written):
        return f"{date.year:04d}"
    if _MONTH_YEAR_RE.match(" ".join(re.sub(r"[,.]", " ", written.lower()).split())) or (
        re.fullmatch(r"\d{4}[-/]\d{1,2}", written)
    ):
        return f"{date.year:04d}-{date.month:02d}"
    return date.isoformat()


def _date(year: str | int, month: str | int, day: str | int) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


# ----------------------------------------------------------------------------- tolerant parser

_WRAPPER_RE = re.compile(
    r"(?:export\s+default\s+|export\s+(?:const|let|var)\s+[A-Za-z_$][\w$]*\s*=\s*"
    r"|(?:const|let|var)\s+[A-Za-z_$][\w$]*\s*=\s*|module\.exports\s*=\s*)"
)
_NUMBER_RE = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_IDENT_RE = re.compile(r"[A-Za-z_$][\w$]*")
_ESCAPES = {'"': '"', "'": "'", "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r",
            "t": "\t"}  # fmt: skip
_LITERALS = {"true": True, "false": False, "null": None, "undefined": None}


class _Parser:
    """Recursive descent over JSON plus the JavaScript habits of hand-edited files."""

    def __init__(self, text: str, path: str) -> None:
        self.text = text.removeprefix("\ufeff")
        self.path = path
        self.pos = 0
        self._newlines = [match.start() for match in re.finditer("\n", self.text)]

    def line_of(self, pos: int) -> int:
        return bisect.bisect_left(self._newlines, pos) + 1

    def error(self, message: str, pos: int | None = None) -> InputError:
        pos = self.pos if pos is None else pos
        line = self.line_of(pos)
        column = pos - (self._newlines[line - 2] if line > 1 else -1)
        where = f"{self.path}:" if self.path else "line "
        error = InputError(f"{where}{line}:{column}: {message}")
        error.line, error.column = line, column
        return error

    def document(self) -> list[tuple[int, Any]]:
        """The top-level array as (line where the element starts, element) pairs."""
        self.skip()
        match = _WRAPPER_RE.match(self.text, self.pos)
        if match:
            self.pos = match.end()
            self.skip()
        if self.peek() != "[":
            raise self.error("expected a JSON array of links")
        elements = self.array(with_lines=True)
        self.skip()
        if self.peek() == ";":
            self.pos += 1
            self.skip()
        if self.pos < len(self.text):
            raise self.error("unexpected text after the array")
        return elements

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def skip(self) -> None:
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch in " \t\r\n\ufeff\xa0":
                self.pos += 1
            elif text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            elif text.startswith("/*", self.pos):
                end = text.find("*/", self.pos + 2)
                if end < 0:
                    raise self.error("unterminated /* comment")
                self.pos = end + 2
            else:
                return

    def value(self) -> Any:
        self.skip()
        ch = self.peek()
        if ch == "[":
            return [element for _, element in self.array()]
        if ch == "{":
            return self.object()
        if ch in "\"'":
            return self.string()
        match = _NUMBER_RE.match(self.text, self.pos)
        if match:
            self.pos = match.end()
            number = match.group()
            return float(number) if any(c in number for c in ".eE") else int(number)
        match = _IDENT_RE.match(self.text, self.pos)
        if match and match.group() in _LITERALS:
            self.pos = match.end()
            return _LITERALS[match.group()]
        if not ch:
            raise self.error("unexpected end of file")
        raise self.error(f"unexpected {ch!r}")

    def array(self, with_lines: bool = False) -> list[tuple[int, Any]]:
        self.pos += 1  # "["
        elements: list[tuple[int, Any]] = []
        while True:
            self.skip()
            if self.peek() == "]":
                self.pos += 1
                return elements
            line = self.line_of(self.pos) if with_lines else 0
            elements.append((line, self.value()))
            self.skip()
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() != "]":
                raise self.error("expected ',' or ']'")

    def object(self) -> dict[str, Any]:
        self.pos += 1  # "{"
        result: dict[str, Any] = {}
        while True:
            self.skip()
            ch = self.peek()
            if ch == "}":
                self.pos += 1
                return result
            if ch in "\"'":
                key = self.string()
            else:
                match = _IDENT_RE.match(self.text, self.pos)
                if not match:
                    raise self.error("expected a key or '}'")
                key, self.pos = match.group(), match.end()
            self.skip()
            if self.peek() != ":":
                raise self.error("expected ':'")
            self.pos += 1
            result[key] = self.value()
            self.skip()
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() != "}":
                raise self.error("expected ',' or '}'")

    def string(self) -> str:
        quote, start = self.text[self.pos], self.pos
        self.pos += 1
        out: list[str] = []
        text = self.text
        escaped_code = False
        while self.pos < len(text):
            ch = text[self.pos]
            if ch == quote:
                self.pos += 1
                return self._pair_surrogates("".join(out), start) if escaped_code else "".join(out)
            if ch == "\n":
                break
            if ch == "\\":
                nxt = text[self.pos + 1 : self.pos + 2]
                code = text[self.pos + 2 : self.pos + 6]
                if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", code):
                    out.append(chr(int(code, 16)))
                    self.pos += 6
                    escaped_code = True
                    continue
                if nxt not in _ESCAPES:
                    raise self.error(f"bad escape \\{nxt}")
                out.append(_ESCAPES[nxt])
                self.pos += 2
                continue
            out.append(ch)
            self.pos += 1
        raise self.error("unterminated string", start)

    def _pair_surrogates(self, value: str, start: int) -> str:
        """``"\\ud83e\\udd17"`` (how JSON writers escape an emoji) as the one character it is."""
        try:
            return value.encode("utf-16", "surrogatepass").decode("utf-16")
        except UnicodeDecodeError:
            raise self.error("a \\u escape is half of a character (a lone surrogate)", start) from None


# ------------------------------------------------------------------------------------- records


def read_links(text: str, path: str = "") -> Iterator[ParsedRecord]:
    """One record per entry; a bad entry gives a RecordError with the line where it starts.

    The file as a whole is parsed before the first record is yielded, so an unreadable file
    raises InputError (with line and column) at the call, not half-way through an import.
    """
    elements = _Parser(text, path).document()
    return (_entry_record(line, element, path) for line, element in elements)


def _entry_record(line: int, entry: Any, path: str) -> ParsedRecord:
    def bad(reason: str) -> RecordError:
        return RecordError(reason, line=line, path=path)

    if not isinstance(entry, dict):
        return bad(f"entry is not an object but {type(entry).__name__}")
    for name in ("blog", "src", "title"):
        if entry.get(name) is not None and not isinstance(entry[name], str):
            return bad(f"{name} is not a string")
    src, title = (entry.get("src") or "").strip(), clean_text(entry.get("title"))
    if not src:
        return bad("entry without src")
    if not title:
        return bad("entry without title")
    key = ids.try_canonical_key(src)
    if key is None:
        return bad(f"unusable src URL: {src[:200]!r}")
    blog = (entry.get("blog") or "").strip()
    blog_url = ""
    if blog:
        blog_url = _blog_url(blog)
        if not blog_url:
            return bad(f"unusable blog URL: {blog[:200]!r}")
    for name in ("posted", "updated"):
        value = entry.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, str | int)):
            return bad(f"{name} is not a date")
    posted = entry.get("posted")
    extra: dict[str, Any] = {
        "blog": entry.get("blog"),
        "src": entry.get("src"),
        "title": entry.get("title"),  # as this digest showed it; the paper's title may change
        "posted": posted,
        "posted_date": _iso(parse_date(posted)),
    }
    if entry.get("updated") is not None:
        extra["updated"] = entry["updated"]
        extra["updated_date"] = _iso(parse_date(entry["updated"]))
    other = {k: v for k, v in entry.items() if k not in FIELDS}
    if other:
        extra["other"] = other
    return PaperRecord(
        source=SOURCE,
        key=key,
        title=title,
        source_id=f"{blog_url} {key}" if blog_url else key,
        extra=extra,
        payload_hash=payload_hash(entry),
    )


def find_duplicates(records: Iterable[ParsedRecord]) -> list[tuple[PaperRecord, PaperRecord]]:
    """Pairs (first, later) of entries of one blog that resolve to one key.

    Typically two URL forms of one arXiv paper (``abs/…`` and ``pdf/…v2``) in the same digest;
    the same paper linked from two different digests is not a duplicate.
    """
    first: dict[tuple[str, str], PaperRecord] = {}
    pairs: list[tuple[PaperRecord, PaperRecord]] = []
    for record in records:
        if not isinstance(record, PaperRecord):
            continue
        blog = record.extra.get("blog") or ""
        group = (_blog_url(blog) or blog, record.key)
        if group in first:
            pairs.append((first[group], record))
        else:
            first[group] = record
    return pairs


def write_links(entries: Iterable[dict[str, Any] | PaperRecord]) -> str:
    """The clean form: a JSON array, 2-space indent, fixed key order, ISO dates.

    Entries are dicts of the dataset's fields or records read by ``read_links``. Dates are
    written in ISO 8601 at the precision written (``2012`` stays a year); a date that cannot be
    read is kept as written rather than dropped.
    """
    out = []
    for index, entry in enumerate(entries, 1):
        if isinstance(entry, PaperRecord):
            fields = {k: entry.extra.get(k) for k in ("blog", "src", "posted", "updated")}
            fields["title"] = entry.title
            fields.update(entry.extra.get("other") or {})
        else:
            fields = dict(entry)
        if not fields.get("src") or not fields.get("title"):
            raise InputError(f"links entry {index}: src and title are required")
        clean: dict[str, Any] = {"blog": fields.get("blog") or "", "src": fields["src"]}
        clean["title"] = fields["title"]
        for name in ("posted", "updated"):
            value = fields.get(name)
            if value is not None and value != "":
                clean[name] = iso_date_as_written(value) or value
            elif name == "posted":
                clean[name] = None
        for name in sorted(k for k in fields if k not in FIELDS):
            clean[name] = fields[name]
        out.append(clean)
    return orjson.dumps(out, option=orjson.OPT_INDENT_2).decode() + "\n"


def _blog_url(blog: str) -> str:
    """The normalised URL of a digest, or '' when the text is not a URL."""
    if ids.try_canonical_key(blog) is None:
        return ""
    try:
        return ids.normalise_url(blog)
    except ValueError:
        return ""


def _iso(date: dt.date | None) -> str | None:
    return date.isoformat() if date else None
