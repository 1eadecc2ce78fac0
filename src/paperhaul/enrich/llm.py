"""Abstractive takeaways from any OpenAI-compatible chat completions endpoint (optional).

llama.cpp's server, vLLM, Ollama and hosted APIs all answer ``POST {base}/chat/completions``. The
model is asked for one JSON object, ``{"takeaway": ..., "closer_look": [three bullets]}``, which is
validated before it is kept. The request goes through the sources' HTTP client, so time-outs,
5xx and 429 answers are retried with exponential back-off (PAPERHAUL_HTTP_RETRIES and _BACKOFF).
Every failure (unreachable, time-out, an error status, an answer that is not the JSON asked for,
a refusal) is an LLMError, and the caller keeps the extractive takeaway (takeaways.py).
No JSON mode is requested: servers differ in how (or whether) they support one, and the prompt
plus a lenient reading (code fences, text around the object) work on all of them.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from paperhaul.enrich.tldr import Summary, capitalise
from paperhaul.errors import InputError, PaperhaulError
from paperhaul.papers.ingest.http import HttpClient

MAX_TAKEAWAY_WORDS = 60
MAX_BULLET_WORDS = 80
BULLETS = 3
MAX_ABSTRACT_CHARS = 6000

SYSTEM_PROMPT = (
    "You write takeaways of machine-learning papers for busy researchers. Use only the title and "
    "abstract you are given. Answer with one JSON object and nothing else, in this form:\n"
    '{"takeaway": "...", "closer_look": ["...", "...", "..."]}\n'
    '"takeaway" is one plain sentence of at most 35 words stating the paper\'s main contribution or '
    'finding; do not start it with "This paper" or "The authors". "closer_look" is exactly three short '
    "bullets: how the method works, and the evidence for it (numbers when the abstract gives them)."
)
_REFUSAL = re.compile(
    r"^\W*(?:i'?m sorry|i am sorry|sorry\b|i can(?:not|'t)|i am unable|i'm unable|i won't|"
    r"as an ai|i apologi[sz]e)",
    re.IGNORECASE,
)
_BULLET_MARK = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


class LLMError(PaperhaulError):
    """The endpoint gave no usable takeaway."""


class LLMRefusal(LLMError):
    """The model declined to answer."""


@dataclass(frozen=True)
class LLMConfig:
    base_url: str
    model: str
    api_key: str = ""
    timeout: float = 60.0
    concurrency: int = 2

    @classmethod
    def from_settings(cls) -> LLMConfig | None:
        """The configured endpoint; None when PAPERHAUL_LLM_BASE_URL is empty (extractive only)."""
        from django.conf import settings

        base_url = settings.PAPERHAUL_LLM_BASE_URL.strip()
        if not base_url:
            return None
        if not base_url.startswith(("http://", "https://")):
            raise InputError(f"PAPERHAUL_LLM_BASE_URL must start with http:// or https://, not {base_url!r}")
        if not settings.PAPERHAUL_LLM_MODEL.strip():
            raise InputError("PAPERHAUL_LLM_MODEL must name a model when PAPERHAUL_LLM_BASE_URL is set")
        if settings.PAPERHAUL_LLM_CONCURRENCY < 1 or settings.PAPERHAUL_LLM_TIMEOUT <= 0:
            raise InputError("PAPERHAUL_LLM_CONCURRENCY and PAPERHAUL_LLM_TIMEOUT must be positive")
        return cls(
            base_url=base_url.rstrip("/"),
            model=settings.PAPERHAUL_LLM_MODEL.strip(),
            api_key=settings.PAPERHAUL_LLM_API_KEY,
            timeout=settings.PAPERHAUL_LLM_TIMEOUT,
            concurrency=settings.PAPERHAUL_LLM_CONCURRENCY,
        )


def messages(title: str, abstract: str) -> list[dict[str, str]]:
    abstract = abstract.strip()[:MAX_ABSTRACT_CHARS]
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": f"Title: {title.strip()}\n\nAbstract: {abstract}"},
    ]


def prompt_text(title: str, abstract: str) -> str:
    """The prompt as recorded beside the text it produced."""
    return "\n\n".join(f"[{m['role']}]\n{m['content']}" for m in messages(title, abstract))


class LLMClient:
    """Asks the endpoint for takeaways; thread-safe, so several requests can be in flight."""

    def __init__(
        self,
        config: LLMConfig,
        *,
        retries: int = 4,
        backoff: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config
        self.model = config.model
        self._http = HttpClient(
            timeout=config.timeout, retries=retries, backoff=backoff, user_agent="paperhaul", sleep=sleep
        )
        self._headers = {"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}

    @classmethod
    def from_settings(cls) -> LLMClient | None:
        from django.conf import settings

        config = LLMConfig.from_settings()
        if config is None:
            return None
        return cls(config, retries=settings.PAPERHAUL_HTTP_RETRIES, backoff=settings.PAPERHAUL_HTTP_BACKOFF)

    def close(self) -> None:
        self._http.close()

    def summarise(self, title: str, abstract: str) -> Summary:
        """The model's takeaway and three-bullet closer look; LLMError (or a SourceError) on failure."""
        body = {
            "model": self.config.model,
            "messages": messages(title, abstract),
            "temperature": 0.2,
            "max_tokens": 600,
        }
        response = self._http.post_json(
            f"{self.config.base_url}/chat/completions", body, headers=self._headers
        )
        try:
            document = response.json()
        except ValueError as exc:
            raise LLMError(f"the endpoint answered with something that is not JSON ({exc})") from exc
        return parse_completion(document)


def parse_completion(document: object) -> Summary:
    """The takeaway in a chat completion, checked: one sentence-sized takeaway and three bullets."""
    try:
        choice = document["choices"][0]
        message = choice["message"]
    except (KeyError, IndexError, TypeError) as exc:
        raise LLMError("the answer has no choices[0].message (not a chat completion)") from exc
    if message.get("refusal") or choice.get("finish_reason") == "content_filter":
        raise LLMRefusal(f"the model refused: {str(message.get('refusal') or 'content filter')[:120]}")
    content = message.get("content")
    if not isinstance(content, str) or not content.strip():
        raise LLMError("the answer is empty")
    return parse_content(content)


def parse_content(content: str) -> Summary:
    start, end = content.find("{"), content.rfind("}")
    if start < 0:
        if _REFUSAL.search(content):
            raise LLMRefusal(f"the model refused: {content.strip()[:120]}")
        raise LLMError(f"the answer holds no JSON object: {content.strip()[:80]!r}")
    if end < start:
        raise LLMError("the answer's JSON is malformed (cut short)")
    try:
        data = json.loads(content[start : end + 1])
    except ValueError as exc:
        raise LLMError(f"the answer's JSON is malformed ({exc})") from exc
    if not isinstance(data, dict):
        raise LLMError("the answer's JSON is not an object")
    takeaway = data.get("takeaway")
    bullets = data.get("closer_look")
    if not isinstance(takeaway, str) or not takeaway.strip():
        raise LLMError('the answer has no "takeaway" text')
    if len(takeaway.split()) > MAX_TAKEAWAY_WORDS:
        raise LLMError(f"the takeaway is longer than {MAX_TAKEAWAY_WORDS} words")
    if not isinstance(bullets, list) or not all(isinstance(b, str) and b.strip() for b in bullets):
        raise LLMError('"closer_look" is not a list of texts')
    bullets = [_BULLET_MARK.sub("", b).strip() for b in bullets]
    if len(bullets) < BULLETS or any(len(b.split()) > MAX_BULLET_WORDS for b in bullets):
        raise LLMError(f'"closer_look" needs {BULLETS} bullets of at most {MAX_BULLET_WORDS} words')
    return Summary(capitalise(" ".join(takeaway.split())), tuple(bullets[:BULLETS]))
