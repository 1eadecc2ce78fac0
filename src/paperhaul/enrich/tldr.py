"""Extractive takeaways: the abstract's own sentence that states the contribution or the finding.

Offline and deterministic. Each sentence of the abstract is scored by the phrases authors use to
state what they did ("we propose", "this paper introduces") or found ("we show that", "our results
demonstrate"), less the marks of background ("Recent work...", "However, ...") and of closing
remarks ("Code is available at..."). The best one is tidied into a takeaway:

- framing openings go ("In this paper,", "Here,", "To address these issues,");
- "we show that X" becomes "X", and "we propose X" becomes "X" when X reads on its own;
- it is cut at a clause boundary to at most MAX_WORDS words.

The "closer look" is the two or three other sentences that best carry the method and the evidence,
in the abstract's order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from paperhaul.enrich.sentences import sentences, words

EXTRACTOR = "extractive/2"  # recorded as the model of extractive takeaways; bump when the rules change
MAX_WORDS = 35
MAX_CLOSER_WORDS = 50
MIN_CUT_WORDS = 8

_I = re.IGNORECASE
_SUBJECT = r"(?:we|this (?:paper|work|study|article|report)|the (?:paper|authors))"
_CONTRIBUTION_VERBS = (
    r"(?:propose|introduce|present|develop|design|describe|release|build|built|construct|create|offer|"
    r"collect|curate|compile)"
)
_FINDING_VERBS = (
    r"(?:show|find|found|demonstrate|reveal|observe|confirm|establish|prove|argue|suggest|indicate|"
    r"provide (?:strong |empirical |new )?evidence)"
)
_RESULTS = (
    r"(?:our |the |these |extensive |experimental )*(?:results|experiments|findings|analys[ie]s|evaluations?)"
)
CONTRIBUTION = re.compile(
    rf"\b{_SUBJECT}\b[^.;]{{0,40}}?\b{_CONTRIBUTION_VERBS}s?\b|\bwe (?:\w+ )?{_CONTRIBUTION_VERBS}(?:d|ed)\b",
    _I,
)
FINDING = re.compile(
    rf"\b(?:{_SUBJECT}|{_RESULTS})\b[^.;]{{0,40}}?\b{_FINDING_VERBS}(?:s|d|ed|n)?\b|\bfinding that\b", _I
)
STUDY = re.compile(
    r"\bwe (?:study|investigate|explore|examine|analy[sz]e|evaluate|question|ask|consider|train|"
    r"benchmark|measure|quantify|reinterpret|revisit|characteri[sz]e)\b",
    _I,
)
TRUNCATED = re.compile(r"(?:\u2026|\.\.\.|\[\.\.\.\])$")
FRAMED = re.compile(r"^(?:here(?:in)?|in this (?:paper|work|study|article))\b", _I)
STRONG_RESULT = re.compile(r"\b(?:outperform|surpass|state-of-the-art|significantly|substantially)", _I)
BACKGROUND = re.compile(
    r"^(?:however|although|despite|while|recent(?:ly)?|existing|previous|prior|traditional(?:ly)?|"
    r"current(?:ly)?|most|many|in recent years|with the|as)\b|\bremains? (?:a |an )?(?:challenge|"
    r"challenging|unclear|open|difficult|underexplored)\b|\bhas (?:been|become|gained|shown)\b",
    _I,
)
CLOSING = re.compile(
    r"\b(?:we hope|future (?:work|research|directions)|(?:our|the|source|release) code\b|"
    r"releas\w*\b[^.]{0,60}\b(?:code|weights|checkpoints)\b|(?:is|are|will be) "
    r"(?:made )?(?:publicly )?available|github|https?://|open-sourced?)\b",
    _I,
)
METHOD = re.compile(
    r"\bwe (?:use|train|apply|build|combine|leverage|employ|adopt|fine-?tune|design|introduce|develop|"
    r"formulate|propose|construct|collect|curate|create|model|represent|learn|optimi[sz]e)\b|"
    r"\b(?:our|the proposed|this) (?:method|approach|model|framework|system|algorithm|technique|pipeline)\b|"
    r"\bbased on\b|\bconsists? of\b|\bby (?:combining|using|leveraging|introducing|replacing|training)\b|"
    r"\b(?:first|then)\b",
    _I,
)
EVIDENCE = re.compile(
    r"\d+(?:\.\d+)?\s*(?:%|x\b|\u00d7|times\b|points?\b)|\b(?:outperform|surpass|state-of-the-art|improv|"
    r"achiev|experiments?\b|benchmarks?\b|evaluat|accuracy|gains?\b|speed-?ups?\b|faster|reduc|"
    r"results? (?:show|demonstrate|indicate))",
    _I,
)

_FRAMERS = re.compile(
    r"^(?:(?:in this (?:paper|work|study|article|note|report)|here(?:in)?|specifically|in particular|"
    r"concretely|in summary|overall|thus|therefore|finally|additionally|moreover|furthermore|as a result|"
    r"consequently|instead|in contrast)\s*,?\s+|to (?:this end|that end|address|tackle|solve|overcome|fill|"
    r"bridge|close|mitigate|alleviate|remedy|answer)\b[^,;]{0,120},\s*)",
    _I,
)
# "By combining A and B, we present X", "To study this, we introduce X": the clause before ", we" goes
# when what follows then reads on its own.
_LEADING_CLAUSE = re.compile(r"^[^;:]{0,200}?,\s+(?=we\s)", _I)
_REPORTED = re.compile(
    rf"^(?:{_SUBJECT}|{_RESULTS}) (?:also |further |then |first |here |empirically |clearly )?"
    rf"{_FINDING_VERBS}(?:s|d|ed|n)? that\s+",
    _I,
)
_CONTRIBUTED = re.compile(
    rf"^{_SUBJECT} (?:also |further |then |first |here )?{_CONTRIBUTION_VERBS}(?:s|d|ed)?"
    r"(?: and \w+)?\s+(?!(?:that|to|and)\b)",
    _I,
)
# After "we propose X", a second verb ("and show that...", "then test it") means X is not a phrase alone.
_SECOND_VERB = re.compile(
    r"(?:,? and|,? then|, which we|; we|, we)\s+(?:we\s+)?(?:also\s+)?(?:show|demonstrate|evaluate|test|"
    r"apply|find|achieve|release|use|train|validate|conduct|perform|verify|compare|extend|analy[sz]e|"
    r"study|investigate|make|provide)\b",
    _I,
)
_EXPLANATION = re.compile(r"^[^:]{0,80}:\s+that\s+", _I)
# Where a long sentence may be cut, best first: after a whole clause, before "by ..." or "using ...",
# before ", and".
_CUTS = (
    re.compile(
        r";|:\s|\s[\u2013\u2014]\s|,\s(?=(?:which|where|while|whereas|but|thereby|thus|achieving|"
        r"showing|leading|making|allowing|enabling|resulting|yielding|including|such as|outperforming|"
        r"reducing|improving)\b)"
    ),
    re.compile(r"\s(?=(?:by|through|using|via|without|with)\s)"),
    re.compile(r",\s(?=and\s)"),  # last: in a list, it would cut off the last item
)


@dataclass(frozen=True)
class Summary:
    takeaway: str
    closer_look: tuple[str, ...]


def summarise(abstract: str) -> Summary | None:
    """The takeaway and closer look of an abstract; None when it has no sentence to take."""
    found = sentences(abstract)
    if found and TRUNCATED.search(found[-1]):
        # The start of an abstract as a haul post or a feed shows it: its last sentence is cut off.
        found.pop()
    found = [s for s in found if words(s) >= 3]
    if not found:
        return None
    best = max(range(len(found)), key=lambda i: (takeaway_score(found[i], i), -i))
    takeaway = shorten(tidy_opening(found[best]), MAX_WORDS)
    rest = [i for i in range(len(found)) if i != best]
    return Summary(takeaway, tuple(closer_look(found, rest)))


def takeaway_score(sentence: str, position: int) -> float:
    """How plainly a sentence states what the paper contributes or finds (higher is plainer)."""
    score = 0.0
    if CONTRIBUTION.search(sentence):
        score += 3.0
    if FINDING.search(sentence):
        score = max(score, 2.8) + (0.3 if score else 0.0)
    if score == 0.0 and STUDY.search(sentence):
        score = 1.5
    if FRAMED.search(sentence):
        score += 1.0
    if STRONG_RESULT.search(sentence):
        score += 0.4
    if BACKGROUND.search(sentence):
        score -= 1.0
    if CLOSING.search(sentence):
        score -= 2.0
    if sentence.endswith("?") or words(sentence) < 6:
        score -= 1.0
    return score - 0.05 * position - (0.3 if position == 0 else 0.0)


def closer_look(found: list[str], candidates: list[int]) -> list[str]:
    """Up to three sentences carrying the method and the evidence, in the abstract's order."""

    def method(i: int) -> float:
        return 2.0 * bool(METHOD.search(found[i])) + 0.5 * bool(CONTRIBUTION.search(found[i])) + _plain(i)

    def evidence(i: int) -> float:
        hits = len(EVIDENCE.findall(found[i]))
        return min(hits, 3) + bool(FINDING.search(found[i])) + _plain(i)

    def _plain(i: int) -> float:
        sentence = found[i]
        return (
            -2.0 * bool(CLOSING.search(sentence))
            - 1.0 * bool(BACKGROUND.search(sentence))
            - (1.0 if sentence.endswith("?") else 0.0)
        )

    chosen: list[int] = []
    for scorer in (method, evidence, lambda i: max(method(i), evidence(i))):
        pool = [i for i in candidates if i not in chosen and scorer(i) > 0]
        if pool:
            chosen.append(max(pool, key=lambda i: (scorer(i), -i)))
    # Without the usual phrases, the first sentences that are not closing remarks still say something.
    plain = [i for i in candidates if i not in chosen and not CLOSING.search(found[i])]
    chosen += plain[: max(0, 2 - len(chosen))]
    return [shorten(tidy_opening(found[i], rewrite=False), MAX_CLOSER_WORDS) for i in sorted(chosen)]


def tidy_opening(sentence: str, *, rewrite: bool = True) -> str:
    """Drop framing openings; with ``rewrite``, "we show that X" and "we propose X" become "X"."""
    text = sentence
    while (stripped := _FRAMERS.sub("", text, count=1)) != text:
        text = stripped
    if rewrite:
        text = _rewrite(text)
    return capitalise(text)


def _rewrite(text: str) -> str:
    rewritten = _rewrite_main_clause(text)
    if rewritten == text and (leading := _LEADING_CLAUSE.match(text)):
        main = text[leading.end() :]
        rewritten = _rewrite_main_clause(main)
        return rewritten if rewritten != main else text
    return rewritten


def _rewrite_main_clause(text: str) -> str:
    reported = _REPORTED.match(text)
    if reported:
        return text[reported.end() :]
    contributed = _CONTRIBUTED.match(text)
    if contributed:
        rest = text[contributed.end() :]
        explanation = _EXPLANATION.match(rest)
        if explanation:
            return rest[explanation.end() :]
        if not _SECOND_VERB.search(rest) and words(rest) >= 3:
            return rest
    return text


def capitalise(text: str) -> str:
    """Upper-case the first letter unless the first word is cased on purpose ("iPhone", "mBERT")."""
    if not text or not text[0].islower():
        return text
    first = text.split(None, 1)[0]
    if any(c.isupper() for c in first[1:]) or any(c.isdigit() for c in first):
        return text
    return text[0].upper() + text[1:]


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` words: cut at the last clause boundary that leaves enough, else mid-clause with
    an ellipsis; always ends with a full stop (or the sentence's own ? or !)."""
    text = text.strip()
    if words(text) > limit:
        cut = None
        for boundaries in _CUTS:
            for match in boundaries.finditer(text):
                if MIN_CUT_WORDS <= words(text[: match.start()]) <= limit:
                    cut = match.start()
            if cut is not None:
                break
        if cut is not None:
            text = text[:cut]
        else:
            text = " ".join(text.split()[:limit]).rstrip(",;:\u2013\u2014(") + "…"
            return text
    text = text.rstrip(" ,;:\u2013\u2014")
    if text.count("(") > text.count(")"):
        text = text[: text.rfind("(")].rstrip(" ,;:")
    return text if text.endswith((".", "?", "!", "…")) else text + "."
