"""The onnx-int8 runtime: a sentence-transformers model as an int8 ONNX graph, built once, cached.

Building (needs PyTorch, takes seconds): the whole sentence-transformers pipeline (transformer,
pooling, normalisation) is traced to ONNX, ONNX Runtime's transformer optimizer fuses attention,
GELU and layer norms, and the weights are quantised to int8 per output channel (with one scale per
tensor, all-MiniLM-L6-v2's vectors fall to cosine 0.93 of the original's). The result must agree
with the original model on a few probe texts before it is kept. The artefacts go to one folder per
model, written atomically under a file lock, so two processes starting at once build it once and
nobody reads a half-written file.

Running needs only onnxruntime and tokenizers: texts are tokenized with the model's fast
tokenizer, truncated at its max_seq_length, sorted by length and batched with padding only to the
longest text of each batch, so short texts (queries) never pay for long ones. Activations are
quantised with one scale per batch, so a text's vector moves slightly with the texts batched with it
(cosine > 0.95 between any two batchings, > 0.97 to the original model).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from paperhaul.search.embeddings import (
    EmbeddingError,
    ModelSource,
    load_sentence_transformer,
    token_limit,
    vectors_id,
)

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

logger = logging.getLogger(__name__)

RECIPE = 1  # bump when the build below changes, so every cached model is rebuilt
MODEL_FILE = "model-int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
MANIFEST_FILE = "manifest.json"
OUTPUT = "sentence_embedding"
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
MIN_AGREEMENT = 0.95
PROBES = (
    "Attention is all you need.",
    "graph neural networks for molecule property prediction",
    "We study the sample complexity of reinforcement learning from human feedback and show that "
    "a reward model trained on pairwise comparisons suffices to recover a near-optimal policy. " * 8,
    "",
)


@dataclass(frozen=True)
class Manifest:
    """What the runtime needs to know about a built model; written last, so it marks a complete build."""

    fingerprint: str
    files: dict[str, str]  # file name -> sha256
    inputs: list[str]
    dimension: int
    max_seq_length: int
    pad_id: int

    @classmethod
    def read(cls, path: Path) -> Manifest:
        return cls(**json.loads(path.read_text()))

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=1))


class OnnxEmbedder:
    """Embeds texts with the int8 ONNX model; see OnnxEmbedder.open for getting one."""

    def __init__(
        self,
        name: str,
        folder: Path,
        manifest: Manifest,
        batch_size: int = 32,
        threads: int = 0,
        max_tokens: int = 0,
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        tokens = token_limit(manifest.max_seq_length, max_tokens)
        self.model_id = vectors_id(name, tokens, manifest.max_seq_length)
        self.runtime = "onnx-int8"
        self.dimension = manifest.dimension
        self.batch_size = batch_size
        self.manifest = manifest
        self.tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=tokens)
        options = ort.SessionOptions()
        # By default one thread per CPU this process may use (not per CPU of the host), none
        # between ops. A web worker embeds one short query at a time beside other workers: there
        # one thread costs less CPU a query than several (`paperhaul serve` asks for 1).
        options.intra_op_num_threads = threads or len(os.sched_getaffinity(0))
        # Threads that wait for the next operator sleep instead of spinning: a web worker embeds
        # one short query at a time, and with several workers on few cores, spinning threads took
        # about 40 % of a hybrid search's CPU; batch throughput is the same either way.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(
            str(folder / MODEL_FILE), options, providers=["CPUExecutionProvider"]
        )

    @classmethod
    def open(
        cls, source: ModelSource, folder: Path, batch_size: int = 32, threads: int = 0, max_tokens: int = 0
    ) -> OnnxEmbedder:
        """The embedder of `source`, from its artefacts in `folder`, built there first if needed."""
        manifest = ensure_built(source, folder)
        try:
            return cls(source.name, folder, manifest, batch_size, threads, max_tokens)
        except Exception as error:
            raise EmbeddingError(f"cannot open the int8 ONNX model in {folder}: {error}") from error

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if len(texts) == 0:
            return vectors
        encodings = self.tokenizer.encode_batch(list(texts))
        lengths = np.array([len(e.ids) for e in encodings])
        order = np.argsort(-lengths, kind="stable")
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            vectors[rows] = self._run([encodings[i] for i in rows], int(lengths[rows[0]]))
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)

    def _run(self, encodings: list, width: int) -> np.ndarray:
        """One batch, padded to its longest text (the first: batches come sorted by length)."""
        ids = np.full((len(encodings), width), self.manifest.pad_id, dtype=np.int64)
        mask = np.zeros_like(ids)
        types = np.zeros_like(ids)
        for row, encoding in enumerate(encodings):
            n = len(encoding.ids)
            ids[row, :n] = encoding.ids
            mask[row, :n] = 1
            types[row, :n] = encoding.type_ids
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        return self.session.run([OUTPUT], {name: feed[name] for name in self.manifest.inputs})[0]


def ensure_built(source: ModelSource, folder: Path) -> Manifest:
    """The manifest of a complete, intact build of `source` in `folder`, building it if there is none,
    if the model or this recipe changed since, or if a file no longer matches its checksum."""
    import onnxruntime

    fingerprint = hashlib.sha256(
        f"{RECIPE}:{onnxruntime.__version__}:{source.fingerprint()}".encode()
    ).hexdigest()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with _locked(folder / ".lock"):
            manifest = _intact_manifest(folder, fingerprint)
            if manifest is None:
                logger.info("building the int8 ONNX model of %s in %s", source.name, folder)
                for stale in folder.glob(".build-*"):  # left by a build that was killed
                    shutil.rmtree(stale, ignore_errors=True)
                manifest = _build(source, folder, fingerprint)
    except OSError as error:
        raise EmbeddingError(f"cannot write the model cache in {folder}: {error}") from error
    return manifest


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file is closed
        yield


def _intact_manifest(folder: Path, fingerprint: str) -> Manifest | None:
    try:
        manifest = Manifest.read(folder / MANIFEST_FILE)
        if manifest.fingerprint != fingerprint:
            return None
        if any(_sha256(folder / name) != digest for name, digest in manifest.files.items()):
            logger.warning("the cached model in %s is damaged; rebuilding it", folder)
            return None
    except (OSError, ValueError, TypeError):
        return None
    return manifest


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _build(source: ModelSource, folder: Path, fingerprint: str) -> Manifest:
    model = load_sentence_transformer(source, "cpu", eager_attention=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".build-") as work:
        work = Path(work)
        try:
            inputs = _export(model, work / "fp32.onnx")
            _optimise(model, work / "fp32.onnx", work / "fused.onnx")
            _quantise(work / "fused.onnx", work / MODEL_FILE)
            model.tokenizer.backend_tokenizer.save(str(work / TOKENIZER_FILE))
        except Exception as error:
            raise EmbeddingError(
                f"cannot build the int8 ONNX model of {source.name}: {error}"
                " (PAPERHAUL_EMBEDDING_RUNTIME=torch does without it)"
            ) from error
        manifest = Manifest(
            fingerprint=fingerprint,
            files={name: _sha256(work / name) for name in (MODEL_FILE, TOKENIZER_FILE)},
            inputs=inputs,
            dimension=int(model.get_embedding_dimension()),
            max_seq_length=int(model.max_seq_length),
            pad_id=int(model.tokenizer.pad_token_id or 0),
        )
        _check_agreement(model, OnnxEmbedder(source.name, work, manifest))
        manifest.write(work / MANIFEST_FILE)
        for name in (MODEL_FILE, TOKENIZER_FILE, MANIFEST_FILE):
            os.replace(work / name, folder / name)
    return manifest


def _export(model: SentenceTransformer, path: Path) -> list[str]:
    """Trace the whole pipeline; returns the input names the graph takes."""
    import torch

    sample = model.tokenizer(["a short text", "a somewhat longer text, to trace padding"], padding=True)
    names = [name for name in INPUTS if name in sample]
    tensors = tuple(torch.tensor(sample[name]) for name in names)
    axes = {name: {0: "batch", 1: "sequence"} for name in names} | {OUTPUT: {0: "batch"}}
    with warnings.catch_warnings(), torch.no_grad():
        # The TorchScript exporter: its graphs are the ones ONNX Runtime's fusions recognise
        # (the newer exporter also needs onnxscript). Its tracer warnings are about branches
        # that are constant for every input shape this model sees.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _traceable(model, names),
            tensors,
            str(path),
            input_names=names,
            output_names=[OUTPUT],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
    return names


def _traceable(model: SentenceTransformer, names: list[str]):
    """The sentence-transformers model as a function of positional tensors, which the tracer takes."""
    import torch

    class Pipeline(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
            return self.model(dict(zip(names, tensors, strict=True)))[OUTPUT]

    return Pipeline().eval()


def _optimise(model: SentenceTransformer, source: Path, target: Path) -> None:
    from onnxruntime.transformers import optimizer

    config = model[0].auto_model.config
    optimised = optimizer.optimize_model(
        str(source),
        model_type="bert",
        num_heads=getattr(config, "num_attention_heads", 0),
        hidden_size=getattr(config, "hidden_size", 0),
        opt_level=0,
    )
    optimised.save_model_to_file(str(target))


def _quantise(source: Path, target: Path) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with _quiet_root_logger():
        quantize_dynamic(
            str(source),
            str(target),
            weight_type=QuantType.QInt8,
            per_channel=True,
            # The fused operators are outside ONNX's shape inference; their tensors are float.
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )


@contextmanager
def _quiet_root_logger() -> Iterator[None]:
    """The quantizer logs advice for its own developers on the root logger; keep it off our users' screens."""

    def not_onnxruntime(record: logging.LogRecord) -> bool:
        return "onnxruntime" not in record.pathname

    root = logging.getLogger()
    root.addFilter(not_onnxruntime)
    try:
        yield
    finally:
        root.removeFilter(not_onnxruntime)


def _check_agreement(model: SentenceTransformer, candidate: OnnxEmbedder) -> None:
    """Refuse a build whose vectors drift from the original model's (an unsupported architecture)."""
    texts = list(PROBES)
    expected = model.encode(texts, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
    agreement = float(np.min(np.sum(expected * candidate.encode(texts), axis=1)))
    if agreement < MIN_AGREEMENT:
        raise EmbeddingError(
            f"the int8 ONNX model of {candidate.model_id} disagrees with the original"
            f" (cosine {agreement:.3f} < {MIN_AGREEMENT}); use PAPERHAUL_EMBEDDING_RUNTIME=torch"
        )
