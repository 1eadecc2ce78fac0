"""Identity (DESIGN.md "Identity"): one canonical key per item, however it was linked."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperhaul.papers import ids

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- strategies -----------------------------------------------------------------------------

_DIGITS = "0123456789"
_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
# Old-style archives, with some of their subject classes (math.GT/0309136).
_OLD_ARCHIVES = {"hep-th": [], "hep-ph": [], "gr-qc": [], "quant-ph": [], "nlin": ["CD"]}
_OLD_ARCHIVES |= {"math": ["GT", "AG", "OC"], "cond-mat": ["mes-hall", "stat-mech"], "cs": ["LG"]}


@st.composite
def new_style_ids(draw: st.DrawFn) -> str:
    yymm = f"{draw(st.integers(7, 29)):02d}{draw(st.integers(1, 12)):02d}"
    return f"{yymm}.{draw(st.text(_DIGITS, min_size=4, max_size=5))}"


@st.composite
def old_style_ids(draw: st.DrawFn) -> tuple[str, str]:
    """An old-style id as written (maybe with a subject class) and its canonical form."""
    archive = draw(st.sampled_from(sorted(_OLD_ARCHIVES)))
    subjects = _OLD_ARCHIVES[archive]
    subject = draw(st.sampled_from(subjects)) if subjects and draw(st.booleans()) else ""
    yymm = f"{draw(st.sampled_from([91, 95, 99, 0, 3, 7])):02d}{draw(st.integers(1, 12)):02d}"
    number = f"{yymm}{draw(st.integers(1, 999)):03d}"
    written = f"{archive}.{subject}/{number}" if subject else f"{archive}/{number}"
    return written, f"{archive}/{number}"


arxiv_ids = st.one_of(new_style_ids().map(lambda i: (i, i)), old_style_ids())


@st.composite
def dois(draw: st.DrawFn) -> str:
    """A realistic DOI: registrant 10.NNNN(N), suffix of alphanumeric chunks and separators."""
    prefix = f"10.{draw(st.integers(1000, 99999))}"
    chunks = draw(st.lists(st.text(_ALNUM, min_size=1, max_size=8), min_size=1, max_size=5))
    seps = draw(st.lists(st.sampled_from("-._/;:"), min_size=len(chunks), max_size=len(chunks)))
    suffix = chunks[0] + "".join(s + c for s, c in zip(seps[1:], chunks[1:], strict=True))
    if draw(st.booleans()):  # S0140-6736(20)30183-5
        suffix = f"{suffix[:1]}({draw(st.integers(10, 99))}){suffix[1:]}"
    return f"{prefix}/{suffix}"


_PLAIN_HOSTS = ["example.com", "blog.example.org", "lilianweng.github.io", "laion.ai", "osf.io"]
_SEGMENT = st.text(_ALNUM + "-_", min_size=1, max_size=12)
_PARAM = st.tuples(st.sampled_from(["id", "q", "page", "v", "lang"]), st.text(_ALNUM, max_size=8))
_TRACKERS = ["utm_source=twitter", "utm_medium=social&utm_campaign=x", "fbclid=IwAR0", "ref=hn"]


@st.composite
def plain_urls(draw: st.DrawFn) -> str:
    """An https URL with a lower-case host and no tracking parameters: its own normal form."""
    host = draw(st.sampled_from(_PLAIN_HOSTS))
    path = "".join("/" + s for s in draw(st.lists(_SEGMENT, max_size=4)))
    params = dict(draw(st.lists(_PARAM, max_size=3)))
    query = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
    return f"https://{host}{path}" + (f"?{query}" if query else "")


@st.composite
def url_variants(draw: st.DrawFn, url: str) -> str:
    """``url`` as people paste it: trackers, fragment, default port, www., slash, case, http."""
    scheme, rest = url.split("://", 1)
    rest, _, query = rest.partition("?")
    host, _, path = rest.partition("/")
    path = "/" + path if path else ""
    maybe = st.booleans()
    host = ("www." if draw(maybe) else "") + host
    host = host.upper() if draw(maybe) else host
    host += draw(st.sampled_from(["", ":443", ":80"]))
    scheme = draw(st.sampled_from(["https", "http", "HTTP", "HTTPS"]))
    path += "/" if draw(maybe) else ""
    params = [query] if query else []
    params += draw(st.lists(st.sampled_from(_TRACKERS), max_size=3, unique=True))
    params = draw(st.permutations(params))
    fragment = "#" + draw(_SEGMENT) if draw(maybe) else ""
    return f"{scheme}://{host}{path}" + ("?" + "&".join(params) if params else "") + fragment


def arxiv_forms(written: str, version: int) -> list[str]:
    """Every way people link one arXiv item."""
    w, v = written, f"v{version}"
    forms = [w, f"{w}{v}", f"arXiv:{w}", f"arxiv:{w}{v}", f"arXiv: {w}", f"arxiv.org/abs/{w}"]
    for scheme in ("http", "https"):
        for host in ("arxiv.org", "www.arxiv.org", "export.arxiv.org"):
            for kind in ("abs", "pdf", "html", "format"):
                base = f"{scheme}://{host}/{kind}/{w}"
                forms += [base, base + v, base + "/", base + v + "/"]
            forms += [f"{scheme}://{host}/pdf/{w}.pdf", f"{scheme}://{host}/pdf/{w}{v}.pdf"]
    for doi in (f"10.48550/arXiv.{w}", f"10.48550/ARXIV.{w}", f"10.48550/arxiv.{w}"):
        forms += [doi, f"doi:{doi}", f"DOI: {doi}"]
        forms += [f"https://doi.org/{doi}", f"http://dx.doi.org/{doi}"]
    forms += [f"https://huggingface.co/papers/{w}", f"https://alphaxiv.org/abs/{w}"]
    forms += [f"https://www.alphaxiv.org/abs/{w}{v}", f"HTTPS://ArXiv.Org/abs/{w}"]
    forms += [f"https://arxiv.org/abs/{w}{v}?context=cs.LG#S2", f"<https://arxiv.org/abs/{w}>"]
    forms += [f"https://arxiv.org/abs/{w},", f"https://arxiv.org/abs/{w})."]
    forms += [f"ARXIV:{w.upper()}V{version}", f"https://doi.org/10.48550/ARXIV.{w.upper()}"]
    return forms


def doi_forms(doi: str) -> list[str]:
    forms = []
    for d in (doi, doi.upper(), doi.lower()):
        forms += [d, f"doi:{d}", f"DOI:{d}", f"doi: {d}", f"https://doi.org/{d}", f"{d}."]
        forms += [f"http://doi.org/{d}", f"https://dx.doi.org/{d}", f"http://dx.doi.org/{d}"]
        forms += [f"https://www.doi.org/{d}", f"https://doi.org/{d})"]
    return forms


# --- properties -------------------------------------------------------------------------------


@FAST
@given(arxiv_ids, st.integers(1, 12))
def test_every_form_of_an_arxiv_item_gives_one_key(arxiv: tuple[str, str], version: int) -> None:
    written, canonical = arxiv
    for form in arxiv_forms(written, version):
        assert ids.canonical_key(form) == f"arxiv:{canonical}", form
        assert ids.arxiv_id(form) == canonical, form


@FAST
@given(dois())
def test_every_form_of_a_doi_gives_one_key(doi: str) -> None:
    for form in doi_forms(doi):
        assert ids.canonical_key(form) == f"doi:{doi.lower()}", form
        assert ids.doi_of(form) == doi.lower(), form


@FAST
@given(st.dates().filter(lambda d: d.year >= 2013), st.integers(1, 999999), st.integers(1, 5))
def test_every_form_of_a_biorxiv_preprint_gives_its_doi(date, number: int, version: int) -> None:
    doi = f"10.1101/{date:%Y.%m.%d}.{number:06d}"
    forms = [doi, f"https://doi.org/{doi}"]
    for host in ("www.biorxiv.org", "biorxiv.org", "www.medrxiv.org"):
        base = f"https://{host}/content/{doi}"
        forms += [base, f"{base}v{version}", f"{base}v{version}.full", f"{base}v{version}.full.pdf"]
        forms += [f"{base}v{version}.abstract", f"{base}v{version}.full.pdf+html"]
    for form in forms:
        assert ids.canonical_key(form) == f"doi:{doi}", form


@FAST
@given(
    st.from_regex(r"[A-Za-z0-9_-]{6,14}", fullmatch=True), st.from_regex(r"[A-Za-z0-9]{6,12}", fullmatch=True)
)
def test_every_link_to_an_openreview_paper_gives_its_forum(forum: str, note: str) -> None:
    key = f"url:https://openreview.net/forum?id={forum}"
    for form in (
        f"https://openreview.net/forum?id={forum}",
        f"http://www.openreview.net/forum/?id={forum}",
        f"https://openreview.net/pdf?id={forum}",
        f"openreview.net/forum?id={forum}",
        f"https://openreview.net/forum?id={forum}&noteId={note}",
        f"https://openreview.net/forum?noteId={note}&id={forum}#{note}",
        f"https://openreview.net/forum?id={forum}&referrer=%5BAuthor%20Console%5D(%2Fgroup)",
        f"url:https://openreview.net/pdf?id={forum}",
        key,
    ):
        assert ids.canonical_key(form) == key, form
    assert ids.url_for_key(key) == f"https://openreview.net/forum?id={forum}"


@FAST
@given(plain_urls().flatmap(lambda url: st.tuples(st.just(url), url_variants(url))))
def test_url_normalisation(pair: tuple[str, str]) -> None:
    url, variant = pair
    assert ids.canonical_key(url) == f"url:{url}"
    assert ids.canonical_key(variant) == f"url:{url}", variant
    assert ids.normalise_url(variant) == url


_any_identifier = st.one_of(
    arxiv_ids.flatmap(lambda a: st.sampled_from(arxiv_forms(a[0], 3))),
    dois().flatmap(lambda d: st.sampled_from(doi_forms(d))),
    plain_urls().flatmap(url_variants),
)


@FAST
@given(_any_identifier)
def test_canonical_key_is_idempotent(text: str) -> None:
    key = ids.canonical_key(text)
    assert ids.canonical_key(key) == key
    assert ids.key_kind(key) in ids.KINDS


# Arbitrary text, and arbitrary text behind the prefixes that steer canonical_key's branches.
_PREFIXES = ["https://", "http://", "arxiv:", "arXiv:", "doi:", "10.", "10.1234/", "url:", "title:"]
_PREFIXES += ["www.", "arxiv.org/abs/", "https://arxiv.org/abs/", "https://doi.org/", "a.b/"]
_texts = st.one_of(
    st.text(),
    st.tuples(st.sampled_from(_PREFIXES), st.text()).map("".join),
    st.tuples(st.sampled_from(_PREFIXES), st.text("[]:%./?#@()!.,x0123456789")).map("".join),
)


@settings(max_examples=600, deadline=None)
@given(_texts)
def test_arbitrary_text_gives_a_key_or_unrecognised(text: str) -> None:
    try:
        key = ids.canonical_key(text)
    except ids.UnrecognisedIdentifier:
        return
    assert ids.key_kind(key) in ids.KINDS
    assert ids.canonical_key(key) == key


# --- the real links of the seed posts and hauls ------------------------------------------------

# One link a line, as found in the seed posts and hauls (text punctuation included), then its key.
REAL_LINKS = [
    tuple(line.split())
    for line in """
https://arxiv.org/abs/2305.03047,  arxiv:2305.03047
https://arxiv.org/abs/2305.14314,  arxiv:2305.14314
https://arxiv.org/abs/2305.18290,  arxiv:2305.18290
https://arxiv.org/abs/1806.06423  arxiv:1806.06423
https://arxiv.org/abs/2210.03629  arxiv:2210.03629
https://arxiv.org/abs/2212.09689  arxiv:2212.09689
https://aps.arxiv.org/abs/2212.12131  arxiv:2212.12131
https://huggingface.co/papers/2311.11045  arxiv:2311.11045
https://huggingface.co/papers/2311.11045)  arxiv:2311.11045
https://github.com/Brain-Cog-Lab/CACE-Net.  url:https://github.com/brain-cog-lab/cace-net
https://github.com/apple/corenet.  url:https://github.com/apple/corenet
https://github.com/OPTML-Group/DeepZero.  url:https://github.com/optml-group/deepzero
https://github.com/OpenGVLab/OmniQuant  url:https://github.com/opengvlab/omniquant
https://github.com/zhoudw-zdw/CIL_Survey/  url:https://github.com/zhoudw-zdw/cil_survey
https://github.com/mrwadams/attackgen/tree/main  url:https://github.com/mrwadams/attackgen
https://github.com/facebookresearch/fairseq/tree/main/examples/mms  url:https://github.com/facebookresearch/fairseq/tree/main/examples/mms
https://twitter.com/ylecun/status/1724448825509851332  url:https://twitter.com/ylecun/status/1724448825509851332
https://twitter.com/BlancheMinerva/status/1708178674481017219  url:https://twitter.com/BlancheMinerva/status/1708178674481017219
https://twitter.com/_lamaahmad/status/1630757960606691328  url:https://twitter.com/_lamaahmad/status/1630757960606691328
https://openreview.net/forum?id=B1lfHhR9tm  url:https://openreview.net/forum?id=B1lfHhR9tm
https://openreview.net/forum?id=ae7BJIOxkxH  url:https://openreview.net/forum?id=ae7BJIOxkxH
https://www.biorxiv.org/content/10.1101/2023.04.30.538439v2.full  doi:10.1101/2023.04.30.538439
https://www.biorxiv.org/content/10.1101/2023.11.21.568195v1  doi:10.1101/2023.11.21.568195
https://www.nature.com/articles/d41586-023-01546-4  doi:10.1038/d41586-023-01546-4
https://www.nature.com/articles/d41586-023-02477-w  doi:10.1038/d41586-023-02477-w
https://papers.ssrn.com/sol3/papers.cfm?abstract_id=4441311  url:https://papers.ssrn.com/sol3/papers.cfm?abstract_id=4441311
https://www.cell.com/patterns/fulltext/S2666-3899(21)00064-7  url:https://cell.com/patterns/fulltext/S2666-3899(21)00064-7
https://gh.bmj.com/content/8/11/e013874  url:https://gh.bmj.com/content/8/11/e013874
https://blog.langchain.dev/building-chat-langchain-2/  url:https://blog.langchain.dev/building-chat-langchain-2
https://laion.ai/blog/open-flamingo/  url:https://laion.ai/blog/open-flamingo
https://crfm.stanford.edu/2023/05/22/alpaca-farm.html  url:https://crfm.stanford.edu/2023/05/22/alpaca-farm.html
https://aligned.substack.com/p/self-exfiltration  url:https://aligned.substack.com/p/self-exfiltration
https://www.lesswrong.com/posts/aPeJE8bSo6rAFoLqg/solidgoldmagikarp-plus-prompt-generation  url:https://lesswrong.com/posts/aPeJE8bSo6rAFoLqg/solidgoldmagikarp-plus-prompt-generation
https://mapmeld.medium.com/ml-arxiv-7-97dbc8444e4d**  url:https://mapmeld.medium.com/ml-arxiv-7-97dbc8444e4d
https://blog.allenai.org/dolma-3-trillion-tokens-open-llm-corpus-9a0ff4b8da64  url:https://blog.allenai.org/dolma-3-trillion-tokens-open-llm-corpus-9a0ff4b8da64
https://huggingface.co/datasets/nvidia/HelpSteer2  url:https://huggingface.co/datasets/nvidia/HelpSteer2
https://huggingface.co/apple/OpenELM.  url:https://huggingface.co/apple/OpenELM
https://huggingface.co/NexaAIDev/Octopus-v4),  url:https://huggingface.co/NexaAIDev/Octopus-v4
https://huggingface.co/blog/stackllama  url:https://huggingface.co/blog/stackllama
https://huggingface.co/spaces/HuggingFaceH4/open_llm_leaderboard  url:https://huggingface.co/spaces/HuggingFaceH4/open_llm_leaderboard
https://www.youtube.com/watch?v=ANDJ0TKjyWw  url:https://youtube.com/watch?v=ANDJ0TKjyWw
https://www.youtube.com/watch?v=N709ZrxoIP0  url:https://youtube.com/watch?v=N709ZrxoIP0
https://www.reddit.com/r/LocalLLaMA/comments/161waft/humaneval_as_an_accurate_code_benchmark/  url:https://reddit.com/r/LocalLLaMA/comments/161waft/humaneval_as_an_accurate_code_benchmark
https://www.reddit.com/r/slatestarcodex/comments/16yu943/why_was_katalin_karik%C3%B3_underrated_by_scientific/  url:https://reddit.com/r/slatestarcodex/comments/16yu943/why_was_katalin_karik%C3%B3_underrated_by_scientific
https://news.ycombinator.com/item?id=36839284  url:https://news.ycombinator.com/item?id=36839284
https://paperswithcode.com/sota/code-generation-on-humaneval  url:https://paperswithcode.com/sota/code-generation-on-humaneval
https://en.wikipedia.org/wiki/Virginijus_%C5%A0ik%C5%A1nys  url:https://en.wikipedia.org/wiki/Virginijus_%C5%A0ik%C5%A1nys
https://osf.io/stakv/  url:https://osf.io/stakv
https://glaze.cs.uchicago.edu/  url:https://glaze.cs.uchicago.edu
https://www.nexa4ai.com/  url:https://nexa4ai.com
""".strip().splitlines()  # noqa: E501
]


@pytest.mark.parametrize(("link", "key"), REAL_LINKS)
def test_real_links(link: str, key: str) -> None:
    assert ids.canonical_key(link) == key
    assert ids.canonical_key(key) == key


def test_real_links_appear_in_the_shared_data(shared) -> None:
    """Guards the table against typos: every link (bar text punctuation) is in a seed or haul."""
    text = "".join(p.read_text() for p in [*shared.glob("seeds/*.txt"), *shared.glob("data/hauls/*.md")])
    for link, _ in REAL_LINKS:
        assert link.rstrip(".,*)") in text, link


# --- specific rules ---------------------------------------------------------------------------


def test_old_style_ids_keep_their_archive() -> None:
    assert ids.canonical_key("hep-th/9901001") == "arxiv:hep-th/9901001"
    assert ids.canonical_key("math/9901001") == "arxiv:math/9901001"
    assert ids.canonical_key("https://arxiv.org/abs/hep-th/9901001v2") == "arxiv:hep-th/9901001"
    assert ids.canonical_key("https://arxiv.org/pdf/math/9901001.pdf") == "arxiv:math/9901001"
    # arXiv serves math.GT/0309136 as math/0309136: the subject class is not part of the id.
    assert ids.canonical_key("arXiv:math.GT/0309136") == "arxiv:math/0309136"
    assert ids.canonical_key("cond-mat.mes-hall/0102536v1") == "arxiv:cond-mat/0102536"
    assert ids.split_arxiv_version("hep-th/9901001v3") == ("hep-th/9901001", 3)
    assert ids.split_arxiv_version("2311.11077") == ("2311.11077", None)


def test_mirrors() -> None:
    assert ids.canonical_key("https://paperswithcode.com/paper/attention-is-all-you-need") == (
        "url:https://paperswithcode.com/paper/attention-is-all-you-need"
    )
    assert ids.arxiv_id("https://paperswithcode.com/paper/2311.11077") is None
    assert ids.canonical_key("https://www.alphaxiv.org/overview/2311.11077v1") == "arxiv:2311.11077"
    assert ids.canonical_key("huggingface.co/papers/2311.11077") == "arxiv:2311.11077"


def test_host_specific_rules() -> None:
    tweet = "url:https://twitter.com/goodside/status/1723577986538955223"
    for link in (
        "https://x.com/goodside/status/1723577986538955223?s=20",
        "https://twitter.com/goodside/status/1723577986538955223?s=46&t=AbCdEf",
        "https://mobile.twitter.com/goodside/status/1723577986538955223",
    ):
        assert ids.canonical_key(link) == tweet
    for link in (
        "https://github.com/openai/whisper.git",
        "https://github.com/OpenAI/Whisper/tree/main",
        "http://www.github.com/openai/whisper/",
        "github.com/openai/whisper",
    ):
        assert ids.canonical_key(link) == "url:https://github.com/openai/whisper"
    blob = "https://github.com/openai/whisper/blob/main/whisper/audio.py"
    assert ids.canonical_key(blob) == f"url:{blob}"
    assert ids.canonical_key("https://github.com/openai") == "url:https://github.com/openai"
    assert ids.canonical_key("https://example.com:8080/a?b=1#x") == "url:https://example.com:8080/a?b=1"
    assert ids.canonical_key("https://aclanthology.org/2023.acl-long.1.pdf") == (
        "url:https://aclanthology.org/2023.acl-long.1"
    )
    assert ids.canonical_key("https://dl.acm.org/doi/10.1145/3442188.3445922") == (
        "doi:10.1145/3442188.3445922"
    )
    # OpenReview pages other than a paper's keep their query; PDFs by content hash name no forum.
    venue = "https://openreview.net/group?id=ICLR.cc/2025/Conference"
    assert ids.canonical_key(venue) == "url:https://openreview.net/group?id=ICLR.cc%2F2025%2FConference"
    assert (
        ids.canonical_key("https://openreview.net/pdf/3f2c9a.pdf")
        == "url:https://openreview.net/pdf/3f2c9a.pdf"
    )
    assert ids.canonical_key("https://openreview.net/forum") == "url:https://openreview.net/forum"
    assert ids.url_for_key("arxiv:hep-th/9901001") == "https://arxiv.org/abs/hep-th/9901001"
    assert ids.url_for_key("doi:10.1038/nature14539") == "https://doi.org/10.1038/nature14539"


def test_keys_are_their_own_keys() -> None:
    for key in ("arxiv:2311.11077", "arxiv:hep-th/9901001", "doi:10.1038/nature14539"):
        assert ids.canonical_key(key) == key
    assert ids.canonical_key("url:https://example.com/a") == "url:https://example.com/a"
    assert ids.canonical_key("title:attention is all you need") == "title:attention is all you need"
    assert ids.canonical_key("Title: Attention Is All You Need!") == "title:attention is all you need"


# --- titles -----------------------------------------------------------------------------------

SAME_TITLES = [
    ("Attention Is All You Need", "attention is all you need."),
    ("Attention  is all\nyou need", " ATTENTION IS ALL YOU NEED! "),
    ("Café au lait: A Naïve Study", "Cafe au Lait -- a naive study"),
    ('Schr\\"odinger Bridges for G\\"{o}del Machines', "Schrödinger bridges for Gödel machines"),
    ("\\emph{Self-Instruct}: Aligning LMs", "Self-Instruct: aligning LMs"),
    ("\\textbf{LoRA}: Low-Rank Adaptation", "LoRA: low rank adaptation"),
    ("$\\alpha$-Fold: structures", "α-Fold: Structures"),  # noqa: RUF001
    ("$\\beta$-VAE: Learning Basic Visual Concepts", "β-VAE: learning basic visual concepts"),
    ("Pre-training Transformers", "Pre training transformers"),
    (
        "{BERT}: Pre-training of Deep Bidirectional Transformers",
        "BERT: pre-training of deep bidirectional transformers",
    ),
]

DIFFERENT_TITLES = [
    ("Attention Is All You Need", "Attention Is Not All You Need"),
    ("$\\alpha$-VAE", "$\\beta$-VAE"),
    ("GPT-4 Technical Report", "GPT-3 Technical Report"),
    ("Language Models are Few-Shot Learners", "Language Models are Zero-Shot Learners"),
]


@pytest.mark.parametrize(("a", "b"), SAME_TITLES)
def test_near_identical_titles_normalise_equal(a: str, b: str) -> None:
    assert ids.normalise_title(a) == ids.normalise_title(b)
    assert ids.canonical_key(f"title:{a}") == ids.canonical_key(f"title:{b}")


@pytest.mark.parametrize(("a", "b"), DIFFERENT_TITLES)
def test_different_titles_differ(a: str, b: str) -> None:
    assert ids.normalise_title(a) != ids.normalise_title(b)


@FAST
@given(st.text())
def test_normalise_title_is_idempotent(title: str) -> None:
    norm = ids.normalise_title(title)
    assert ids.normalise_title(norm) == norm
    assert norm == norm.strip() and "  " not in norm


# --- bad input --------------------------------------------------------------------------------

BAD = ["", "   ", "\n\t", "hello", "plain words only", "arxiv:", "arXiv: ", "arxiv:2311"]
BAD += ["10.", "10.1234", "doi:", "doi:not-a-doi", "url:", "url:https://", "title:", "title: !?"]
BAD += ["https://", "http://", "https:///no-host", "https://[::1", "url:https://[broken"]
BAD += ["https://example.com:99999/", "https://example.com:port/", "https://exa\uff03mple.com/"]
BAD += ["'; DROP TABLE papers; --", "1' OR '1'='1", "📄🔥", "\x00", "\x00https://arxiv.org\x00"]
BAD += ["x" * 10_000, ")" * 10_000, "." * 10_000, "\u200b" * 10_000, "🔥" * 10_000]


def test_absurd_version_numbers_do_not_crash() -> None:
    # int() of more than 4300 digits raises ValueError: the version is not needed for the key.
    text = "arXiv:2311.11077v" + "9" * 9_000
    assert ids.canonical_key(text) == "arxiv:2311.11077"
    with pytest.raises(ids.UnrecognisedIdentifier):
        ids.split_arxiv_version(text.removeprefix("arXiv:"))


@pytest.mark.parametrize("text", BAD, ids=lambda t: repr(t[:30]))
def test_bad_input_raises_unrecognised(text: str) -> None:
    with pytest.raises(ids.UnrecognisedIdentifier):
        ids.canonical_key(text)
    assert ids.try_canonical_key(text) is None
    assert ids.doi_of(text) is None
    assert issubclass(ids.UnrecognisedIdentifier, ValueError)
