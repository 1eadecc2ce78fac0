"""A fake arXiv API on 127.0.0.1 for the authoring tests: `haul add` fetches papers from it.

It answers ``/api/query?id_list=…`` in arXiv's Atom format with the papers it was given, and an
empty feed for any other id, as arXiv does.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

LONG_ABSTRACT = (
    "Large language models can be taught to give hints instead of answers. We collect a dataset of "
    "tutoring dialogues, fine-tune a model on it and show that students learn more. Our code is public."
)
PAPERS = {
    "2405.00001": ("Pedagogical Alignment of Large Language Models", LONG_ABSTRACT),
    "2405.00002": ("Sparse Attention for Long Documents", "We make attention sparse. It is faster."),
    "2405.00003": ("Chain of Thought Prompting Elicits Reasoning in Large Language Models", LONG_ABSTRACT),
}


def _entry(arxiv_id: str, title: str, abstract: str) -> str:
    return f"""
  <entry>
    <id>http://arxiv.org/abs/{arxiv_id}v1</id>
    <updated>2024-05-01T10:00:00Z</updated>
    <published>2024-05-01T10:00:00Z</published>
    <title>{escape(title)}</title>
    <summary>  {escape(abstract)}
</summary>
    <author><name>Ada Lovelace</name></author>
    <link href="http://arxiv.org/abs/{arxiv_id}v1" rel="alternate" type="text/html"/>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="cs.CL"/>
    <category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
  </entry>"""


def feed(ids: list[str], papers: dict[str, tuple[str, str]] = PAPERS) -> str:
    entries = "".join(_entry(i, *papers[i]) for i in ids if i in papers)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
        "  <title>ArXiv Query</title>\n  <id>http://arxiv.org/api/test</id>\n"
        f"  <updated>2024-05-01T00:00:00Z</updated>{entries}\n</feed>\n"
    )


def serve_arxiv(server: HTTPServer, papers: dict[str, tuple[str, str]] = PAPERS) -> str:
    """Answer the arXiv API at ``/api/query`` from ``papers``; returns the API's URL."""

    def handler(request: Request) -> Response:
        ids = [i for i in request.args.get("id_list", "").split(",") if i]
        return Response(feed(ids, papers), content_type="application/atom+xml")

    server.expect_request("/api/query").respond_with_handler(handler)
    return server.url_for("/api/query")


def fetched_ids(server: HTTPServer) -> list[str]:
    """The arXiv ids asked for, in order."""
    return [r.args.get("id_list", "") for r, _ in server.log if r.path == "/api/query"]
