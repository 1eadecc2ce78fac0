"""The paper page: every address of a paper leads to it, it shows what the library knows, safely."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from paperhaul.community import reactions
from paperhaul.papers.records import PaperRecord, Version
from paperhaul.papers.upsert import Library
from paperhaul.search import store, vectors
from paperhaul.search.models import Embedding
from tests.web.conftest import record

pytestmark = pytest.mark.django_db

DPO = "/papers/2401.00001"


def main(response) -> str:
    """The page's own content, without the header and footer every page has."""
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


@pytest.fixture
def biorxiv(db):
    paper, _ = Library().upsert_one(
        PaperRecord(
            source="test",
            key="doi:10.1101/2024.01.05.574360",
            title="Protein Language Models Learn Evolutionary Statistics",
            abstract="We show that protein language models learn coevolution.",
            authors=("Rosalind Franklin",),
            published=dt.date(2024, 1, 5),
            updated=dt.date(2024, 2, 9),
            versions=(Version(1, dt.date(2024, 1, 5)), Version(2, dt.date(2024, 2, 9))),
            doi="10.1101/2024.01.05.574360",
            journal_ref="Nature Methods 21 (2024)",
            comments="12 pages, 4 figures",
            license="http://creativecommons.org/licenses/by/4.0/",
            pdf_url="https://www.biorxiv.org/content/10.1101/2024.01.05.574360v2.full.pdf",
        )
    )
    return paper


def test_paper_by_bare_arxiv_id_shows_everything_a_reader_needs(client, papers):
    response = client.get(DPO)
    assert response.status_code == 200
    html = main(response)
    assert '<h1 id="paper-title">Direct Preference Optimization for Diffusion Models</h1>' in html
    assert '<a href="/authors/Bram%20Wallace">Bram Wallace</a>' in html
    assert '<a href="/authors/Meihua%20Dang">Meihua Dang</a>' in html
    assert '<a class="tag" href="/c/cs.CV/">cs.CV</a>' in html
    assert '<a class="tag" href="/c/cs.LG/">cs.LG</a>' in html
    assert 'href="https://arxiv.org/abs/2401.00001"' in html
    assert 'href="https://github.com/example/diffusion-dpo"' in html
    assert "We study direct preference optimization for diffusion models." in html
    assert "No comments yet." in html


def test_paper_by_its_key_shows_dates_versions_and_facts(client, biorxiv):
    response = client.get("/papers/doi:10.1101/2024.01.05.574360")
    assert response.status_code == 200
    html = main(response)
    assert "Protein Language Models Learn Evolutionary Statistics" in html
    assert '<time datetime="2024-01-05">5 January 2024</time>' in html
    assert '<time datetime="2024-02-09">9 February 2024</time>' in html
    assert "v1" in html and "v2" in html
    assert 'href="https://doi.org/10.1101/2024.01.05.574360"' in html
    assert "Nature Methods 21 (2024)" in html
    assert "12 pages, 4 figures" in html
    assert 'href="http://creativecommons.org/licenses/by/4.0/"' in html
    assert 'href="https://www.biorxiv.org/content/10.1101/2024.01.05.574360v2.full.pdf"' in html


@pytest.mark.parametrize(
    "address",
    [
        "/papers/arxiv:2401.00001",
        "/papers/2401.00001v2",
        "/papers/https://arxiv.org/abs/2401.00001v3",
        "/papers/http://export.arxiv.org/pdf/2401.00001.pdf",
        "/papers/arXiv:2401.00001?utm_source=mail",
    ],
)
def test_other_forms_of_the_address_redirect_to_the_canonical_one(client, papers, address):
    response = client.get(address)
    assert response.status_code == 301
    assert response["Location"] == DPO


def test_a_doi_url_redirects_to_the_doi_key(client, biorxiv):
    response = client.get("/papers/https://www.biorxiv.org/content/10.1101/2024.01.05.574360v1")
    assert response.status_code == 301
    assert response["Location"] == "/papers/doi:10.1101/2024.01.05.574360"


def test_a_link_only_item_has_its_page_under_its_url_key(client, db):
    paper, _ = Library().upsert_one(record("url:https://example.org/blog/scaling", "A Blog Post on Scaling"))
    response = client.get(f"/papers/{paper.key}")
    assert response.status_code == 200
    assert 'href="https://example.org/blog/scaling" rel="noopener nofollow">Web page</a>' in main(response)
    assert "Abstract page" not in main(response) and ">PDF<" not in main(response)


def test_a_repository_has_one_code_link_not_a_web_page_too(client, db):
    repo = PaperRecord(
        source="web",
        key="url:https://github.com/org/tool",
        title="org/tool",
        abs_url="https://github.com/org/tool",
        code_url="https://github.com/org/tool",
    )
    Library().upsert_one(repo)
    html = main(client.get("/papers/url:https://github.com/org/tool"))
    assert html.count('href="https://github.com/org/tool"') == 1 and ">Code</a>" in html


def test_unknown_paper_is_a_friendly_404(client, papers):
    response = client.get("/papers/2499.99999")
    assert response.status_code == 404
    html = main(response)
    assert "Not found" in html
    assert "No paper in the library has the address “2499.99999”" in html
    assert client.get("/papers/<script>alert(1)</script>").status_code == 404
    assert "<script>alert(1)" not in client.get("/papers/<script>alert(1)</script>").content.decode()


def test_anonymous_reader_is_offered_log_in_instead_of_buttons_and_forms(client, papers):
    html = main(client.get(DPO))
    assert 'href="/accounts/login/?next=/papers/2401.00001"' in html  # the upvote link
    assert "Log in</a> to comment" in html
    assert 'data-enhance="save"' not in html
    assert "<textarea" not in html


def test_signed_in_reader_sees_their_vote_and_save_state(reader_client, reader, papers):
    paper = papers["arxiv:2401.00001"]
    html = main(reader_client.get(DPO))
    assert 'aria-pressed="false"' in html and 'aria-pressed="true"' not in html
    reactions.set_upvote(reader, paper, True)
    reactions.set_saved(reader, paper, True)
    html = main(reader_client.get(DPO))
    assert html.count('aria-pressed="true"') == 2
    assert '<span class="count">1</span>' in html
    assert 'id="comment-body-new"' in html


def test_imported_title_abstract_and_links_are_shown_inert(client, db):
    Library().upsert_one(
        PaperRecord(
            source="test",
            key="arxiv:2402.00666",
            title="<script>alert('title')</script> Attention",
            abstract='<img src=x onerror=alert(1)> and <a href="javascript:alert(2)">click</a>',
            authors=("<b onmouseover=alert(3)>Mallory</b>",),
            published=dt.date(2024, 2, 1),
            comments="<script>alert(4)</script>",
            code_url="javascript:alert(5)",
            license="javascript:alert(6)",
        )
    )
    response = client.get("/papers/2402.00666")
    assert response.status_code == 200
    html = response.content.decode()
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt; Attention" in html
    for raw in ("<script>alert", "<img src=x", '<a href="javascript:', "<b onmouseover", 'href="javascript:'):
        assert raw not in html


@pytest.fixture
def fresh_vectors():
    """Test transactions roll back and reuse row ids: vector caches start and end empty."""
    vectors._indexes.clear()
    store.forget_counts()
    yield
    for index in vectors._indexes.values():
        index.forget()
    vectors._indexes.clear()
    store.forget_counts()


def test_related_papers_come_from_the_embeddings(client, papers, fresh_vectors):
    from paperhaul.search.indexing import embed_pending

    embed_pending()
    response = client.get(DPO)
    related = [hit.title for hit in response.context["related"]]
    assert len(related) == 4
    assert "Direct Preference Optimization for Diffusion Models" not in related
    assert 'href="/papers/2401.00004">Reward Models Are Not Enough</a>' in main(response)


def test_related_papers_never_fail_the_page(client, papers, settings, fresh_vectors):
    """A paper with a vector, but an embedding model that cannot load: the page shows no related papers."""
    paper = papers["arxiv:2401.00001"]
    Embedding.objects.create(
        paper=paper,
        model="absent",
        text_hash="0" * 32,
        vector=np.ones(4, dtype=np.float32).tobytes(),
        embedded_at=paper.created_at,
    )
    settings.PAPERHAUL_EMBEDDING_MODEL = "/nonexistent/model/folder"
    response = client.get(DPO)
    assert response.status_code == 200
    assert response.context["related"] == []
    assert "Related papers" not in main(response)


def test_papers_without_vectors_show_no_related_section(client, papers):
    response = client.get(DPO)
    assert response.context["related"] == []
    assert "Related papers" not in main(response)


def test_an_arxiv_preprint_and_its_openreview_version_point_to_each_other(client, db):
    from django.core.cache import cache

    from paperhaul.papers.ingest.openreview import parse_note
    from paperhaul.papers.models import PossibleDuplicate
    from tests.papers.ingest.test_openreview import ACCEPTED

    library = Library()
    library.upsert([record("arxiv:2410.01234", "Scaling Laws for Sparse Mixture-of-Experts")])
    library.upsert([parse_note(ACCEPTED)])  # the same normalised title: reported, not merged
    arxiv = client.get("/papers/2410.01234").content.decode()
    assert "<dt>Possibly the same paper</dt>" in arxiv
    forum = "/papers/url:https://openreview.net/forum%3Fid%3DabcDEF123x"
    assert f'<a href="{forum}">Scaling Laws for Sparse Mixture-of-Experts</a>' in arxiv
    assert "(OpenReview: ICLR 2025 Oral)" in arxiv
    openreview = client.get(forum).content.decode()
    title = "Scaling Laws for Sparse Mixture-of-Experts"
    assert f'<a href="/papers/2410.01234">{title}</a> <span class="hint">(arXiv)' in openreview
    assert ">OpenReview forum</a>" in openreview
    PossibleDuplicate.objects.update(status=PossibleDuplicate.Status.DISMISSED)
    cache.clear()  # signed-out readers' pages are kept for a minute
    assert "Possibly the same paper" not in client.get("/papers/2410.01234").content.decode()
