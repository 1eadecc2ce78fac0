"""Papers to enrich, and a fake OpenAI-compatible server on 127.0.0.1 for the language-model path."""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from paperhaul.papers.models import Paper
from paperhaul.papers.records import PaperRecord
from paperhaul.papers.upsert import Library

SPEECH = (
    "We study speech processing systems trained to predict large amounts of transcripts of audio. "
    "Whisper models approach human accuracy and robustness in zero-shot transfer for automatic speech "
    "recognition in many languages."
)


def add_paper(key: str, title: str, abstract: str = "", categories: tuple[str, ...] = ()) -> Paper:
    """One paper in the library through the real upsert service."""
    record = PaperRecord(
        source="arxiv-api" if key.startswith("arxiv:") else "web",
        key=key,
        title=title,
        abstract=abstract,
        categories=categories,
        primary_category=categories[0] if categories else "",
    )
    Library().upsert([record])
    return Paper.objects.get(key=key)


def completion(content: str, **message) -> dict:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "model": "fake-model",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": content, **message},
            }
        ],
    }


def good_answer(title: str) -> str:
    return json.dumps(
        {
            "takeaway": f"A model's takeaway of {title}.",
            "closer_look": ["- How it works.", "What it was tested on.", "The numbers it reached."],
        }
    )


class FakeLLM:
    """Answers POST /v1/chat/completions by a script of behaviours, then "good" ones.

    Behaviours: "good", "slow" (holds the answer until the test ends, so the client times out),
    "500", "malformed" (not the JSON asked for), "refusal" (the refusal field), "sorry" (a refusal
    in plain text), "fenced" (good JSON inside a Markdown code fence).
    """

    def __init__(self) -> None:
        self.script: deque[str] = deque()
        self.requests: list[dict] = []
        self.release = threading.Event()
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with fake._lock:
                    fake.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                    behaviour = fake.script.popleft() if fake.script else "good"
                fake.answer(self, behaviour, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def answer(self, handler: BaseHTTPRequestHandler, behaviour: str, body: dict) -> None:
        title = body["messages"][-1]["content"].split("\n", 1)[0].removeprefix("Title: ")
        if behaviour == "slow":
            self.release.wait(30)
            return
        if behaviour == "500":
            return self._send(handler, 500, {"error": {"message": "overloaded"}})
        content = {
            "good": good_answer(title),
            "fenced": f"Here you are:\n```json\n{good_answer(title)}\n```",
            "malformed": '{"takeaway": "cut short", "closer_look": ["one",',
            "sorry": "I'm sorry, but I can't help with that request.",
            "refusal": "",
        }[behaviour]
        extra = {"refusal": "I can't help with that."} if behaviour == "refusal" else {}
        self._send(handler, 200, completion(content, **extra))

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, document: dict) -> None:
        data = json.dumps(document).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)


@pytest.fixture
def fake_llm() -> Iterator[FakeLLM]:
    server = FakeLLM()
    server.thread.start()
    yield server
    server.release.set()
    server.server.shutdown()
    server.server.server_close()
