"""A real browser (Debian's chromium driven by Playwright) against `paperhaul serve` on 127.0.0.1.

The site runs in a subprocess exactly as `make run` starts it (gunicorn, whitenoise, its own SQLite
file), filled through the `paperhaul import` command; the tests see it only through the browser.
Screenshots go to build/screenshots (or PAPERHAUL_SCREENSHOTS); the best are kept in docs/screenshots.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.cli import Cli
from tests.local_servers import free_port

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("PAPERHAUL_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(os.environ.get("PAPERHAUL_SCREENSHOTS", ROOT / "build" / "screenshots"))
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(config, items) -> None:
    """Browser tests run once, on SQLite; without chromium they skip, unless `make test` requires them."""
    here = Path(__file__).parent
    reason = ""
    if os.environ.get("DATABASE_URL"):
        reason = "browser tests run on the SQLite pass only"
    elif not CHROMIUM.exists():
        if os.environ.get("PAPERHAUL_REQUIRE_BROWSER") == "1":
            raise pytest.UsageError(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
    for item in items:
        if Path(item.fspath).is_relative_to(here):
            item.add_marker(pytest.mark.xdist_group("browser"))
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@dataclass
class Site:
    url: str
    cli: Cli
    submit_id: str  # a recent paper that is not on today's list, to be submitted to it


def _papers(today: dt.date) -> list[dict]:
    """A small, realistic library: today's list, yesterday's and an older paper that can be submitted."""
    rows = [
        (
            "2511.20001",
            0,
            "Diffusion Model Alignment Using Direct Preference Optimization",
            ["Bram Wallace", "Meihua Dang", "Rafael Rafailov", "Linqi Zhou"],
            ["cs.CV", "cs.LG"],
            "Large language models are fine-tuned with human comparison data using RLHF and DPO. We adapt "
            "Direct Preference Optimization to text-to-image diffusion models, re-formulating the objective "
            "to account for the diffusion likelihood. Fine-tuning Stable Diffusion XL on 851K crowdsourced "
            "pairwise preferences improves visual appeal and prompt alignment over the base model.",
            "https://github.com/SalesforceAIResearch/DiffusionDPO",
        ),
        (
            "2511.20002",
            0,
            "Sparse Mixture of Experts for Long-Context Language Modeling",
            ["Ada Chen", "Tomás Ruiz"],
            ["cs.CL"],
            "We show that routing tokens to a few experts lets a language model read documents of a million "
            "tokens at the cost of a dense model of a tenth of its size, with better perplexity on books.",
            "",
        ),
        (
            "2511.20003",
            0,
            "Whisper-Tiny Goes Multilingual: Speech Recognition on a Budget",
            ["Ines Duarte", "Kenji Mori"],
            ["eess.AS", "cs.CL"],
            "A 39M-parameter speech recognizer trained with curriculum distillation matches models five "
            "times its size on 40 languages and runs in real time on a phone CPU.",
            "",
        ),
        (
            "2511.20004",
            0,
            "Reward Models Are Not Enough: Process Supervision for Math Reasoning",
            ["Lea Fischer", "Omar Haddad", "Priya Raman"],
            ["cs.LG", "cs.AI"],
            "Outcome reward models reward lucky guesses. We train a process reward model on step-level "
            "labels and show it doubles the accuracy of best-of-64 sampling on competition mathematics.",
            "",
        ),
        (
            "2511.20005",
            1,
            "Attention Is All You Need for Protein Folding",
            ["Maya Lindqvist"],
            ["q-bio.BM", "cs.LG"],
            "A plain transformer trained on sequence-structure pairs predicts protein structures as well as "
            "specialised architectures when given enough data and compute.",
            "",
        ),
        (
            "2511.20006",
            3,
            "Tokenizer-Free Language Models at Scale",
            ["Jonas Weber", "Sara Ahmadi"],
            ["cs.CL"],
            "Byte-level models trained with a patching scheme close the gap to subword models at 7B "
            "parameters while being robust to spelling noise.",
            "",
        ),
    ]
    papers = []
    for arxiv_id, days_ago, title, authors, categories, abstract, code in rows:
        day = (today - dt.timedelta(days=days_ago)).isoformat()
        papers.append({
            "id": f"arXiv:{arxiv_id}", "title": title, "authors": authors, "abstract": abstract,
            "published": day, "updated": day, "categories": categories, "code_url": code,
        })  # fmt: skip
    return papers


# A published haul covering two of the papers, as a curator writes one.
HAUL_POST = """---
title: ML Arxiv Haul ~25
published_at: 2025-11-20T09:00:00.000Z
snippet: Preferences for pixels, and proteins
tags: arxiv, llm
---

Two papers this week, and a remark.

## New Paper Content

<blockquote>
    <a href="https://arxiv.org/abs/2511.20001">
    <h4>Diffusion Model Alignment Using Direct Preference Optimization</h4>
    <p>
    We adapt direct preference optimization to diffusion models and align them with human…
    </p>
    </a>
</blockquote>

DPO, now for images: no reward model, and the samples people prefer. **Worth a read** if you
fine-tune text-to-image models.

<hr/>

<blockquote>
    <a href="https://arxiv.org/abs/2511.20005">
    <h4>Attention Is All You Need for Protein Folding</h4>
    <p>
    A plain transformer trained on sequence-structure pairs predicts protein structures…
    </p>
    </a>
</blockquote>

Scale is the architecture, again.

<hr/>
"""


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Iterator[Site]:
    with running_site(tmp_path_factory.mktemp("browser-site")) as started:
        yield started


@contextmanager
def running_site(home: Path) -> Iterator[Site]:
    """The small library below, imported and enriched through the CLI, served by `paperhaul serve`."""
    cli = Cli(home / "home")
    library = home / "papers.jsonl"
    library.write_text("\n".join(json.dumps(p) for p in _papers(dt.date.today())) + "\n")
    result = cli("import", "jsonl", str(library))
    assert result.code == 0, result.stderr
    haul = home / "ml-arxiv-25.md"
    haul.write_text(HAUL_POST, encoding="utf-8")
    for args in (("import", "haul", str(haul)), ("enrich",)):
        result = cli(*args)
        assert result.code == 0, result.stderr
    port = free_port()
    command = ["serve", "--port", str(port), "--workers", "2", "--no-worker"]
    server = subprocess.Popen(
        [sys.executable, "-m", "paperhaul.cli", *command],
        env=cli.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(server, url)
        yield Site(url=url, cli=cli, submit_id="2511.20006")
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_until_up(server: subprocess.Popen, url: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("paperhaul serve exited:\n" + server.stdout.read().decode())
        try:
            if httpx.get(url + "/", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)  # polling for the server to come up, not timing anything
    raise RuntimeError("paperhaul serve did not answer within 90 s")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, site):
    context = browser.new_context(viewport=DESKTOP, base_url=site.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as build/screenshots/NAME.png and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page, path: str, status: int = 200) -> list[str]:
    """What axe-core finds on the page at ``path`` (test_accessibility.py), one line a node; the
    page must answer ``status``, so that an audit never passes on an error page by mistake."""
    answered = page.goto(path).status
    assert answered == status, f"{path}: {answered}"
    found = Axe().run(page).response["violations"]
    return [
        f"{path}: {v['id']} ({v['impact']}) at {node['target']}: {' '.join(node['failureSummary'].split())}"
        for v in found
        for node in v["nodes"]
    ]
