"""Identity: one canonical key per item, however it was linked (DESIGN.md "Identity").

Keys have four kinds:

- ``arxiv:<id>`` without version; new style ``2311.11077``, old style ``hep-th/9901001``.
  The optional subject class of old-style ids (``math.GT/0309136``) is not part of the
  identifier (arXiv serves ``math.GT/0309136`` as ``math/0309136``), so it is dropped.
- ``doi:<lower-cased DOI>``
- ``url:<normalised URL>``
- ``title:<normalised title>`` for items known only by their title.

``canonical_key`` is idempotent: a key given back to it returns itself.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from paperhaul.errors import PaperhaulError


class UnrecognisedIdentifier(PaperhaulError, ValueError):
    """The text is neither a known identifier nor a URL."""


KINDS = ("arxiv", "doi", "url", "title")

_ARXIV_NEW = r"\d{4}\.\d{4,5}"
_ARXIV_OLD = r"[a-z]+(?:-[a-z]+)?(?:\.[A-Za-z-]{2,})?/\d{7}"
_ARXIV_ID = rf"(?:{_ARXIV_NEW}|{_ARXIV_OLD})"
_ARXIV_ID_RE = re.compile(rf"^(?P<id>{_ARXIV_ID})(?:v(?P<version>\d+))?$")
_ARXIV_PREFIXED_RE = re.compile(rf"^arxiv\s*:\s*(?P<rest>{_ARXIV_ID}(?:v\d+)?)$", re.IGNORECASE)
_ARXIV_DOI_RE = re.compile(rf"^10\.48550/arxiv\.(?P<rest>{_ARXIV_ID}(?:v\d+)?)$", re.IGNORECASE)
_DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_IN_PATH_RE = re.compile(r"(10\.\d{4,9}/[^?#\s]+)")
_TRAILING_PUNCTUATION = ".,;:!?'\"*>"

ARXIV_HOSTS = {
    "arxiv.org",
    "export.arxiv.org",
    "browse.arxiv.org",
    "ar5iv.org",
    "ar5iv.labs.arxiv.org",
}
_ARXIV_PATH_RE = re.compile(
    rf"^/(?:abs|pdf|html|format|ps|src)/(?P<rest>{_ARXIV_ID}(?:v\d+)?)(?:\.pdf)?(?:/.*)?$"
)
# Mirrors whose paper pages embed the arXiv id (paperswithcode.com/paper/... does not).
_ARXIV_MIRRORS = {
    "huggingface.co": re.compile(rf"^/papers/(?P<rest>{_ARXIV_ID}(?:v\d+)?)(?:/.*)?$"),
    "alphaxiv.org": re.compile(rf"^/(?:abs|overview|pdf)/(?P<rest>{_ARXIV_ID}(?:v\d+)?)(?:/.*)?$"),
    "semanticscholar.org": re.compile(rf"^/arxiv/(?P<rest>{_ARXIV_ID}(?:v\d+)?)(?:/.*)?$"),
}
_DOI_HOSTS = {"doi.org", "dx.doi.org"}
_OPENREVIEW_PAPER_PATHS = ("/forum", "/pdf")
_PREPRINT_DOI_HOSTS = {"biorxiv.org", "medrxiv.org"}
_PREPRINT_PATH_RE = re.compile(
    r"^/content/(?P<doi>10\.1101/(?:\d{4}\.\d{2}\.\d{2}\.)?\d+)(?:v\d+)?(?:[./].*)?$"
)
_PUBLISHER_DOI_PATH_RE = re.compile(r"/(?:doi|article|chapter)/(?:(?:abs|full|pdf|epdf)/)?(10\.\d{4,9}/.+)$")

TRACKING_PARAMS = {
    "fbclid",
    "gclid",
    "dclid",
    "msclkid",
    "yclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "ref",
    "ref_src",
    "ref_url",
    "_hsenc",
    "_hsmi",
    "spm",
    "share",
    "via",
}
_HOST_TRACKING_PARAMS = {"twitter.com": {"s", "t"}}
_HOST_ALIASES = {"x.com": "twitter.com", "mobile.twitter.com": "twitter.com"}
_CASE_INSENSITIVE_PATH_HOSTS = {"github.com"}


def canonical_key(text: str) -> str:
    """The canonical key of an identifier, URL or key; raises UnrecognisedIdentifier."""
    text = _clean(text)
    if not text:
        raise UnrecognisedIdentifier("empty identifier")
    kind, _, rest = text.partition(":")
    lowered_kind = kind.lower()
    if lowered_kind == "title" and rest:
        return title_key(rest)
    if lowered_kind == "url" and rest:
        return "url:" + normalise_url(rest)
    if lowered_kind == "doi" and rest.strip():
        return _doi_key(rest.strip())
    arxiv = arxiv_id(text)
    if arxiv:
        return "arxiv:" + arxiv
    if _DOI_RE.match(text):
        return _doi_key(text)
    if re.match(r"^[a-z][a-z0-9+.-]*://", text, re.IGNORECASE):
        return _url_key(text)
    # A scheme-less link needs a host with an alphabetic top-level domain, so that numbers
    # ("10.1234", "3.14") are not taken for hosts; it may still name an arXiv item.
    if re.match(r"^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}\.?(/|$)", text, re.IGNORECASE):
        url = "https://" + text
        arxiv = arxiv_id(url)
        return "arxiv:" + arxiv if arxiv else _url_key(url)
    raise UnrecognisedIdentifier(f"not an arXiv id, DOI or URL: {text[:200]!r}")


def try_canonical_key(text: str) -> str | None:
    """The canonical key of ``text``, or None when it names nothing (readers of hand-made files
    call it on anything; a ValueError of urlsplit's that escaped the checks counts as nothing)."""
    try:
        return canonical_key(text)
    except ValueError:  # UnrecognisedIdentifier is one
        return None


def split_arxiv_version(text: str) -> tuple[str, int | None]:
    """Split ``2311.11077v2`` into ``("2311.11077", 2)``; the id part is canonicalised."""
    match = _ARXIV_ID_RE.match(text.strip())
    if not match:
        raise UnrecognisedIdentifier(f"not an arXiv id: {text[:200]!r}")
    version = match.group("version")
    if version and len(version) > 9:  # int() of thousands of digits raises ValueError
        raise UnrecognisedIdentifier(f"not an arXiv version: {text[:200]!r}")
    return _canonical_arxiv(match.group("id")), int(version) if version else None


def arxiv_id(text: str) -> str | None:
    """The version-less arXiv id named by ``text`` (an id, ``arXiv:`` string, DOI or URL), if any."""
    text = _clean(text)
    if text.lower().startswith("arxiv:"):
        match = _ARXIV_PREFIXED_RE.match(text)
        return _id_part(match.group("rest")) if match else None
    if _ARXIV_ID_RE.match(text):
        return _id_part(text)
    doi = text
    for prefix in (
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
        "doi:",
    ):
        if doi.lower().startswith(prefix):
            doi = doi[len(prefix) :]
            break
    match = _ARXIV_DOI_RE.match(unquote(doi).strip())
    if match:
        return _id_part(match.group("rest"))
    if "://" not in text:
        text = "https://" + text  # a scheme-less link: arxiv.org/abs/2311.11077
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    host = _bare_host(parts.hostname or "")
    path = unquote(parts.path)
    # Every arXiv host and mirror (aps.arxiv.org, export.arxiv.org...) serves the same item.
    is_arxiv = host in ARXIV_HOSTS or host.endswith(".arxiv.org")
    pattern = _ARXIV_PATH_RE if is_arxiv else _ARXIV_MIRRORS.get(host)
    if pattern is None:
        return None
    match = pattern.match(path)
    return _id_part(match.group("rest")) if match else None


def doi_of(text: str) -> str | None:
    """The lower-cased DOI named by a DOI string or a URL that embeds one, if any."""
    try:
        key = canonical_key(text)
    except UnrecognisedIdentifier:
        return None
    return key[4:] if key.startswith("doi:") else None


def title_key(title: str) -> str:
    norm = normalise_title(title)
    if not norm:
        raise UnrecognisedIdentifier("empty title")
    return "title:" + norm


_LATEX_COMMAND_RE = re.compile(r"\\[a-zA-Z]+\*?")
# arXiv titles are TeX: Schr\"odinger, G\"{o}del, \c{c}, $\alpha$. Accent macros become the bare
# letter (as "ö" does after NFKD) and Greek letters the Unicode letter, so that the TeX and the
# Unicode title of one paper normalise equal, and $\alpha$-VAE and $\beta$-VAE do not.
_LATEX_ACCENT_RE = re.compile(r"\\(?:[\"'`^~=.]|[cvHuk](?![a-zA-Z]))\s*(?:\{\s*([a-zA-Z])\s*\}|([a-zA-Z]))")
_GREEK = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho"
_GREEK += " sigma tau upsilon phi chi psi omega"
# U+03B1 (alpha) onwards, skipping U+03C2 (final sigma) after rho.
_LATEX_GREEK = {name: chr(0x3B1 + i + (i > 16)) for i, name in enumerate(_GREEK.split())}
_LATEX_GREEK |= {name.capitalize(): letter.upper() for name, letter in _LATEX_GREEK.items()}
_LATEX_GREEK |= {f"var{n}": _LATEX_GREEK[n] for n in ("epsilon", "theta", "phi", "rho", "pi")}
_LATEX_GREEK |= {"varsigma": "\u03c2"}
_LATEX_GREEK_RE = re.compile(
    r"\\(" + "|".join(sorted(_LATEX_GREEK, key=len, reverse=True)) + r")(?![a-zA-Z])"
)
_NON_WORD_RE = re.compile(r"[\W_]+", re.UNICODE)


def normalise_title(title: str) -> str:
    """Case, accents, punctuation, LaTeX markup and spacing removed: equal for near-identical titles."""
    text = title
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    if "\\" in text:
        text = _LATEX_ACCENT_RE.sub(lambda m: m.group(1) or m.group(2), text)
        text = _LATEX_GREEK_RE.sub(lambda m: f" {_LATEX_GREEK[m.group(1)]} ", text)
        text = _LATEX_COMMAND_RE.sub(" ", text)
    text = text.casefold()
    return _NON_WORD_RE.sub(" ", text).strip()


def normalise_url(url: str) -> str:
    """Lower-case scheme and host, https, no ``www.``, default port, fragment, trackers or trailing slash."""
    url = _clean(url)
    # Dropping the slash of ``/a!/`` or a parameter can leave punctuation at the end that
    # _clean strips: go on until the URL is its own normal form.
    while True:
        result = _normalise_once(url)
        cleaned = _clean(result)
        if cleaned == result:
            return result
        url = cleaned


def _normalise_once(url: str) -> str:
    if "://" not in url:
        url = "https://" + url
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:  # bad IPv6 brackets, port, NFKC-unsafe host
        raise UnrecognisedIdentifier(f"malformed URL: {url[:200]!r}") from exc
    scheme = parts.scheme.lower()
    if scheme == "http":
        scheme = "https"
    host = _bare_host(parts.hostname or "")
    if not host:
        raise UnrecognisedIdentifier(f"URL without a host: {url[:200]!r}")
    host = _HOST_ALIASES.get(host, host)
    port = port if port not in (None, 80, 443) else None
    netloc = f"{host}:{port}" if port else host
    path = re.sub(r"/{2,}", "/", parts.path).rstrip("/")
    if host in _CASE_INSENSITIVE_PATH_HOSTS:
        path = path.lower()
        if host == "github.com":
            path = _github_repo_path(path)
    dropped = TRACKING_PARAMS | _HOST_TRACKING_PARAMS.get(host, set())
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in dropped
    )
    if host == "openreview.net" and path in _OPENREVIEW_PAPER_PATHS:
        path, query = _openreview_forum(path, query)
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def _openreview_forum(path: str, query: list[tuple[str, str]]) -> tuple[str, list[tuple[str, str]]]:
    """A paper's forum page and its PDF (``/pdf?id=X``) name one paper, ``/forum?id=X``; a link to
    a comment inside the forum (``&noteId=``) or from a console (``&referrer=``) names it too."""
    forum = next((value for name, value in query if name == "id" and value), None)
    return ("/forum", [("id", forum)]) if forum else (path, query)


def url_for_key(key: str) -> str:
    """A link for a key: the arXiv abstract page, the DOI resolver, the URL itself; '' for titles."""
    kind, _, rest = key.partition(":")
    if kind == "arxiv":
        return f"https://arxiv.org/abs/{rest}"
    if kind == "doi":
        return f"https://doi.org/{rest}"
    if kind == "url":
        return rest
    return ""


def arxiv_month(key: str) -> dt.date | None:
    """The first day of the month an arXiv key's id was given in, which is the month its first
    version was submitted (``2305.04388``: May 2023; ``hep-th/9901001``: January 1999); None for
    any other key. A date for a paper the library knows only by its link."""
    kind, _, rest = key.partition(":")
    if kind != "arxiv":
        return None
    digits = rest.rpartition("/")[2][:4]
    if len(digits) != 4 or not digits.isdigit() or not 1 <= int(digits[2:]) <= 12:
        return None
    year = int(digits[:2])
    # Old-style ids ran from August 1991 to March 2007; new-style ones began in April 2007.
    return dt.date(1900 + year if "/" in rest and year >= 91 else 2000 + year, int(digits[2:]), 1)


def key_kind(key: str) -> str:
    return key.partition(":")[0]


def _url_key(url: str) -> str:
    normalised = normalise_url(url)
    parts = urlsplit(normalised)
    host, path = parts.hostname or "", unquote(parts.path)
    if host in _DOI_HOSTS and path.startswith("/10."):
        return _doi_key(path[1:])
    if host in _PREPRINT_DOI_HOSTS:
        match = _PREPRINT_PATH_RE.match(path)
        if match:
            return _doi_key(match.group("doi"))
    if host == "nature.com":
        match = re.match(r"^/articles/([A-Za-z0-9.\-]+)$", path)
        if match:
            return _doi_key("10.1038/" + match.group(1))
    match = _PUBLISHER_DOI_PATH_RE.search(path)
    if match:
        return _doi_key(match.group(1))
    if host == "aclanthology.org" and path.endswith(".pdf"):
        normalised = normalise_url(urlunsplit(parts._replace(path=parts.path[: -len(".pdf")])))
    return "url:" + normalised


def _doi_key(doi: str) -> str:
    # Decode and trim until nothing changes: a key ("doi:" + this) must be its own key, and
    # one more unquote of "%2500" or one more _clean of a decoded "%2E" would change it.
    previous = None
    while doi != previous:
        previous, doi = doi, _clean(unquote(_clean(doi))).lower()
    for prefix in (
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
    ):
        if doi.startswith(prefix):
            doi = doi[len(prefix) :]
    arxiv = _ARXIV_DOI_RE.match(doi)
    if arxiv:
        return "arxiv:" + _id_part(arxiv.group("rest"))
    if not _DOI_RE.match(doi):
        raise UnrecognisedIdentifier(f"not a DOI: {doi[:200]!r}")
    return "doi:" + doi


_ARXIV_ID_ANY_CASE_RE = re.compile(_ARXIV_ID_RE.pattern, re.IGNORECASE)


def _id_part(text: str) -> str:
    """The canonical id of ``ID`` or ``IDvN`` matched by a pattern (case-insensitive ones too:
    ``arXiv:HEP-TH/9901001V2``), without parsing the version."""
    match = _ARXIV_ID_ANY_CASE_RE.match(text)
    if match is None:
        raise UnrecognisedIdentifier(f"not an arXiv id: {text[:200]!r}")
    return _canonical_arxiv(match.group("id"))


def _canonical_arxiv(identifier: str) -> str:
    if "/" in identifier:
        archive, number = identifier.split("/", 1)
        return archive.split(".", 1)[0].lower() + "/" + number
    return identifier


def _github_repo_path(path: str) -> str:
    """``/owner/repo.git`` and ``/owner/repo/tree/main`` name the repository ``/owner/repo``.

    Deeper paths (``/tree/main/examples/mms``, ``/blob/main/x.py``) name a folder or file that
    can be an item of its own (one project of a monorepo), so they are kept.
    """
    segments = [s for s in path.split("/") if s]
    if len(segments) == 2 or (len(segments) == 4 and segments[2] == "tree"):
        owner, repo = segments[0], segments[1]
        while repo.endswith(".git"):
            repo = repo.removesuffix(".git")
        return f"/{owner}/{repo}" if repo else f"/{owner}"
    return path


def _bare_host(host: str) -> str:
    host = host.lower().rstrip(".")
    while host.startswith("www."):  # all of them, so that a normalised host is its own normal form
        host = host[4:]
    return host


def _clean(text: str) -> str:
    """Trim whitespace, angle brackets and the punctuation that ends a sentence around a link."""
    text = text.strip().strip("<>").strip()
    while text and text[-1] in _TRAILING_PUNCTUATION:
        text = text[:-1]
    while text.endswith(")") and text.count("(") < text.count(")"):
        text = text[:-1]
    return text.strip()
