"""Abstracts as clean sentences: LaTeX, references and stray markup tidied, then split.

Abstracts come from arXiv with LaTeX in them (``$\\sim$10\\%``, ``\\emph{...}``, ``T\\"ulu``,
``Fig.~2``), sometimes with numbered references ("[12]") or HTML, and full of periods that end no
sentence ("e.g.", "et al.", "i.e.", "3.5", "Fig. 2"). Takeaways quote sentences, so both matter.
"""

from __future__ import annotations

import html
import re
import unicodedata

# Abbreviations after which a period does not end the sentence (compared lower-cased, without the dot).
ABBREVIATIONS = frozenset(
    """e.g i.e et al cf vs viz approx resp fig figs eq eqs sec secs tab no nos ref refs dr mr mrs ms prof st
    jr sr inc ltd corp co etal ca est incl w.r.t wrt a.k.a u.s u.k""".split()  # noqa: SIM905
)
_GREEK = """alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma tau upsilon
    phi chi psi omega""".split()  # noqa: SIM905


def _greek(name: str, case: str) -> str:
    return unicodedata.lookup(f"GREEK {case} LETTER {name.upper().replace('LAMBDA', 'LAMDA')}")


_SYMBOLS = {
    **{name: _greek(name, "SMALL") for name in _GREEK},
    **{name.capitalize(): _greek(name, "CAPITAL") for name in _GREEK},
    "sim": "~",
    "approx": "\N{ALMOST EQUAL TO}",
    "times": "\N{MULTIPLICATION SIGN}",
    "cdot": "\N{MIDDLE DOT}",
    "le": "\N{LESS-THAN OR EQUAL TO}",
    "leq": "\N{LESS-THAN OR EQUAL TO}",
    "ge": "\N{GREATER-THAN OR EQUAL TO}",
    "geq": "\N{GREATER-THAN OR EQUAL TO}",
    "pm": "\N{PLUS-MINUS SIGN}",
    "to": "\N{RIGHTWARDS ARROW}",
    "rightarrow": "\N{RIGHTWARDS ARROW}",
    "infty": "\N{INFINITY}",
    "in": "\N{ELEMENT OF}",
    "neq": "\N{NOT EQUAL TO}",
    "ldots": "\N{HORIZONTAL ELLIPSIS}",
    "cdots": "\N{HORIZONTAL ELLIPSIS}",
    "ell": "\N{SCRIPT SMALL L}",
    "%": "%",
    "&": "&",
    "_": "_",
    "#": "#",
    "$": "$",
    "{": "{",
    "}": "}",
}
_ACCENTS = {'"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303", "c": "\u0327"}
_FUNCTIONS = frozenset(("log", "exp", "max", "min", "sin", "cos", "tanh", "arg", "det", "lim", "sup", "inf"))
_FORMATTING = re.compile(
    r"\\(?:emph|textit|textbf|texttt|textsc|textrm|textsf|mathrm|mathbf|mathit|mathcal|mathbb|"
    r"operatorname|text|underline|mbox)\s*\{([^{}]*)\}"
)
_CITATION = re.compile(r"\s*\\(?:cite[tp]?|ref|eqref|footnote|url)\s*\{[^{}]*\}")
_ACCENT = re.compile(r"\\([\"'`^~])\s*\{?([A-Za-z])\}?|\\(c)\{([A-Za-z])\}")
_COMMAND = re.compile(r"\\([A-Za-z]+|[%&_#${}])")
_MATH = re.compile(r"\$\$?([^$]{0,200}?)\$\$?")
_NUMBERED_REFERENCE = re.compile(r"\s*\[[1-9]\d{0,2}(?:\s*[,\u2013-]\s*\d{1,3})*\]")
_AUTHOR_YEAR = re.compile(r"\s*\((?:[A-Z][\w'-]+(?: et al\.| and [A-Z][\w'-]+)?,? \d{4}[a-z]?(?:; )?)+\)")
_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")
_SPACE = re.compile(r"\s+")
# "...space.In this paper, we": a sentence glued to the one before it by a missing space.
_GLUED = re.compile(r"(?<=[a-z]{2})\.(?=(?:In|We|This|Our|The|To|Here|However|These|Finally|Moreover)\b)")
# A sentence ends at . ! or ? (maybe closing a quote or bracket), before space and a capital,
# digit, quote or bracket that starts the next one.
_BOUNDARY = re.compile(r"([.!?])([\"'\u201d\u2019)\]]*)\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")


def clean(text: str) -> str:
    """Plain text from an abstract's LaTeX, HTML and references, on one line."""
    text = html.unescape(_TAG.sub(" ", text))
    text = _CITATION.sub("", text)
    text = _ACCENT.sub(_accented, text)
    text = re.sub(r"~(?=[\s.,;:)]|$)", "", text)  # left by a removed citation: "work~\\cite{x}."
    text = re.sub(r"(?<=[\w.])~(?=[\w(])", " ", text)  # LaTeX's non-breaking space: "Fig.~2"
    text = _MATH.sub(lambda m: m.group(1), text)
    for _ in range(3):  # nested formatting, e.g. \emph{\textbf{x}}
        text = _FORMATTING.sub(r"\1", text)
    text = _COMMAND.sub(_command, text)
    text = text.replace("{", "").replace("}", "")
    text = _NUMBERED_REFERENCE.sub("", text)
    text = _AUTHOR_YEAR.sub("", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = _GLUED.sub(". ", text)
    return _SPACE.sub(" ", text).strip()


def _accented(match: re.Match) -> str:
    accent, letter = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    return unicodedata.normalize("NFC", letter + _ACCENTS[accent])


def _command(match: re.Match) -> str:
    name = match.group(1)
    if name in _SYMBOLS:
        return _SYMBOLS[name]
    return name if name in _FUNCTIONS else ""  # \left, \quad ... say nothing in plain text


def split(text: str) -> list[str]:
    """The sentences of a cleaned text, in order."""
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end(2)
        if match.group(1) == "." and _ends_abbreviation(text[start : match.start(1)]):
            continue
        sentence = text[start:end].strip()
        if sentence:
            sentences.append(sentence)
        start = match.end()
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences


def _ends_abbreviation(before: str) -> bool:
    """Whether the period after ``before`` belongs to an abbreviation or an initial ("J. Smith")."""
    word = before.rsplit(None, 1)[-1] if before.strip() else ""
    word = word.lstrip("(\"'“[").lower()
    if word in ABBREVIATIONS or word.rstrip(".") in ABBREVIATIONS:
        return True
    return len(word) == 1 and word.isalpha() and before[-1:].isupper()


def sentences(abstract: str) -> list[str]:
    return split(clean(abstract))


def words(text: str) -> int:
    return len(text.split())
