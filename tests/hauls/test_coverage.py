"""A paper's page names the hauls that covered or mentioned it; search can keep covered papers only."""

from __future__ import annotations

import pytest

from paperhaul.hauls.importing import import_hauls
from paperhaul.papers.upsert import Library
from tests.hauls.conftest import block, post
from tests.web.conftest import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def covered(tmp_path):
    """Paper 2401.00001 covered in haul ~7, mentioned again in ~8; 2401.00002 never covered."""
    Library().upsert([record("arxiv:2401.00002", "Sparse Attention for Long Documents")])
    first = post(
        "## New Paper Content\n\n"
        + block("https://arxiv.org/abs/2401.00001v2", "Direct Preference Optimization for Sparse Diffusion")
        + "\nA fine idea.\n"
    )
    second = post(
        "## Chatter about previous papers\n\nMore on [DPO for diffusion](https://arxiv.org/pdf/2401.00001).\n",
        title="ML Arxiv Haul ~8",
        published="2023-06-01T10:00:00.000Z",
    )
    (tmp_path / "ml-arxiv-7.md").write_text(first)
    (tmp_path / "ml-arxiv-8.md").write_text(second)
    import_hauls([tmp_path / "ml-arxiv-7.md", tmp_path / "ml-arxiv-8.md"])


def test_the_paper_page_names_the_hauls_that_covered_it(client, covered):
    html = client.get("/papers/2401.00001").content.decode()
    assert "Covered in" in html
    assert "ML Arxiv Haul ~7" in html and "in “New Paper Content”" in html
    assert "ML Arxiv Haul ~8" in html and "mentioned in “Chatter about previous papers”" in html
    assert "Covered in" not in client.get("/papers/2401.00002").content.decode()


def test_search_keeps_covered_papers_only_when_asked(client, covered):
    def keys(**params):
        answer = client.get("/api/search", {"q": "sparse", "mode": "lexical", **params}).json()
        return [hit["key"] for hit in answer["hits"]]

    assert set(keys()) == {"arxiv:2401.00001", "arxiv:2401.00002"}
    assert keys(covered="true") == ["arxiv:2401.00001"]
    page = client.get("/search/", {"q": "sparse", "covered": "1"}).content.decode()
    assert "Direct Preference Optimization" in page and "Sparse Attention for Long" not in page


def test_coverage_lists_items_and_mentions_of_published_hauls_oldest_first(covered):
    from paperhaul.hauls.coverage import coverage
    from paperhaul.hauls.models import Haul
    from paperhaul.papers.models import Paper

    paper = Paper.objects.get(key="arxiv:2401.00001")
    found = coverage(paper)
    assert [(c.title, c.mention, c.section) for c in found] == [
        ("ML Arxiv Haul ~7", False, "New Paper Content"),
        ("ML Arxiv Haul ~8", True, "Chatter about previous papers"),
    ]
    assert found[0].path.endswith("#item-1") and "#" not in found[1].path
    assert found[1].published_at.isoformat() == "2023-06-01T10:00:00+00:00"
    Haul.objects.filter(title="ML Arxiv Haul ~8").update(status=Haul.Status.DRAFT)
    assert [c.title for c in coverage(paper)] == ["ML Arxiv Haul ~7"], "drafts are not shown"
