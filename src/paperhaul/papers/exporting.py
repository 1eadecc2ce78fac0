"""Exporting the library: paper records JSON lines, the links dataset (DESIGN.md formats),
BibTeX (papers/bibtex.py) and RIS (papers/ris.py).

Files are written beside their destination and renamed into place when complete, so an
interrupted export never leaves half a file where a good one was; a name ending in .gz is
written gzip-compressed.
"""

from __future__ import annotations

import os
import sys
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.utils import timezone

from paperhaul.errors import InputError
from paperhaul.papers import bibtex, ids, ris
from paperhaul.papers.ingest.links_dataset import parse_date, write_links
from paperhaul.papers.ingest.records_jsonl import write_jsonl
from paperhaul.papers.models import Paper, SourceRecord
from paperhaul.papers.prepared import versions_from_json
from paperhaul.papers.records import PaperRecord

FORMATS = ("jsonl", "links", "bibtex", "ris")


def record_from_paper(paper: Paper, categories: list[str]) -> PaperRecord:
    return PaperRecord(
        source="jsonl",
        key=paper.key,
        title=paper.title,
        abstract=paper.abstract,
        authors=tuple(paper.authors),
        published=paper.published,
        updated=paper.updated,
        versions=versions_from_json(paper.versions),
        primary_category=paper.primary_category,
        categories=tuple(categories),
        doi=paper.doi,
        journal_ref=paper.journal_ref,
        comments=paper.comments,
        license=paper.license,
        abs_url=paper.abs_url,
        pdf_url=paper.pdf_url,
        code_url=paper.code_url,
        # Imported again, here or into another library, the record ranks as its sources did: a
        # paper known only by a link stays one that `refresh --incomplete` completes.
        trust=paper.trust,
    )


def paper_records() -> Iterator[PaperRecord]:
    """Every paper as a record, streamed in the order they were added, with its categories."""
    papers = Paper.objects.order_by("id").prefetch_related("categories")
    for paper in papers.iterator(chunk_size=2000):
        names = [c.name for c in paper.categories.all()]
        yield record_from_paper(paper, names)


def _paper_entries(fmt: str) -> Iterator[str]:
    """The papers in ``fmt`` (jsonl, bibtex or ris) as text, one paper a chunk, streamed."""
    if fmt == "jsonl":
        return write_jsonl(paper_records())
    if fmt in ("bibtex", "ris"):
        writer = bibtex if fmt == "bibtex" else ris
        return writer.entries(Paper.objects.order_by("id").iterator(chunk_size=2000))
    raise InputError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")


def links_entries() -> list[dict]:
    """One entry per covered link per digest: the published hauls', then the imported links'.

    The hauls give theirs first (hauls/links_dataset.py); an entry imported from a links file
    is added when no haul gives that paper for that digest already, so exporting and importing
    the dataset again adds nothing. Dates are written in ISO form by ``write_links``.
    """
    from paperhaul.hauls.links_dataset import covered_links  # hauls build on papers, not back

    covered = covered_links()
    given = {(_digest_key(link.entry["blog"]), link.paper_id) for link in covered}
    imported = []
    rows = SourceRecord.objects.filter(source="links").select_related("paper").order_by("id")
    for row in rows:
        blog = row.data.get("blog") or ""
        key = (_digest_key(blog), row.paper_id)
        if key in given:
            continue
        given.add(key)
        imported.append(
            {
                "blog": blog,
                "src": row.data.get("src") or row.paper.url,
                "title": row.data.get("title") or row.paper.title,
                "posted": row.data.get("posted"),
                "updated": row.data.get("updated"),
            }
        )
    imported.sort(key=lambda e: (str(parse_date(e["posted"]) or ""), e["blog"], e["src"]))
    return [link.entry for link in covered] + imported


def _digest_key(blog: str) -> str:
    """A digest's address as one form, so ``http://www.x.org/a/`` and ``https://x.org/a`` match."""
    try:
        return ids.normalise_url(blog)
    except ValueError:
        return blog.strip()


def download(fmt: str) -> tuple[str, str, Iterator[bytes]]:
    """The export in ``fmt`` for a browser: a file name, its media type and its bytes as they are
    made (paper records gzip-compressed as they stream, so a library of any size takes little
    memory)."""
    day = timezone.localdate().isoformat()
    if fmt == "jsonl":
        return f"paperhaul-library-{day}.jsonl.gz", "application/gzip", _gzip_stream(_paper_entries(fmt))
    if fmt == "links":
        return f"paperhaul-links-{day}.json", "application/json", _encoded([write_links(links_entries())])
    if fmt == "bibtex":
        return f"paperhaul-library-{day}.bib", bibtex.MEDIA_TYPE, _encoded(_paper_entries(fmt))
    if fmt == "ris":
        return f"paperhaul-library-{day}.ris", ris.MEDIA_TYPE, _encoded(_paper_entries(fmt))
    raise InputError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")


def _encoded(chunks: Iterable[str]) -> Iterator[bytes]:
    return (chunk.encode() for chunk in chunks)


def _gzip_stream(chunks: Iterable[str]) -> Iterator[bytes]:
    """UTF-8 ``chunks`` as one gzip stream, compressed as they come (as imports read it)."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # 16+: the gzip container
    for chunk in chunks:
        if compressed := compressor.compress(chunk.encode()):
            yield compressed
    yield compressor.flush()


def export(fmt: str, path: str) -> int:
    """Write the library in ``fmt`` to ``path`` ("-" for stdout); returns the number of entries."""
    if fmt == "links":
        entries = links_entries()
        write_output(path, [write_links(entries)])
        return len(entries)
    count = 0

    def counted(chunks: Iterator[str]) -> Iterator[str]:
        nonlocal count
        for chunk in chunks:
            count += 1
            yield chunk

    write_output(path, counted(_paper_entries(fmt)))
    return count


def write_output(path: str, chunks: Iterable[str]) -> None:
    """Write ``chunks`` to ``path`` ("-" for stdout; gzip when it ends in .gz), all or nothing."""
    if path == "-":
        for chunk in chunks:
            sys.stdout.write(chunk)
        return
    target = Path(path)
    if not target.parent.is_dir():
        raise InputError(f"no such folder: {target.parent}")
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        encoded = _gzip_stream(chunks) if target.suffix == ".gz" else _encoded(chunks)
        with os.fdopen(handle, "wb") as out:
            for data in encoded:
                out.write(data)
        os.replace(temp, target)
    except BaseException:
        os.unlink(temp)
        raise
