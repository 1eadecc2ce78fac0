"""A synthetic arXiv metadata snapshot for the ingest and search benchmarks.

``generate_snapshot(n, seed)`` yields ``n`` records in the exact shape of Kaggle's
``arxiv-metadata-oai-snapshot.json`` lines; ``python -m bench.synthetic N OUT.jsonl[.gz]`` writes
them. The benchmarks need millions of records quickly (the importer's bar is 50,000 records/s, so
the generator must be well above that), so nothing here touches a word at a time per record:

- Titles and abstracts are slices of two long "tapes" of Zipf-distributed words drawn once, with
  sentence ends, capitals and arXiv's hard line breaks already in them. Each field is two slices
  at random offsets, which keeps every record distinct at the cost of a few string operations.
- Authors are contiguous runs of a fixed pool of people (so co-author groups recur, as they do),
  categories, comments, journal references and licences are picked from pools built up front.

Memory is constant in ``n``: the tapes and pools are fixed in size and records are streamed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import itertools
import random
import sys
import time
from array import array
from collections.abc import Iterator
from pathlib import Path


def _words(text: str, sep: str | None = None) -> list[str]:
    return text.split(sep)


_FUNCTION_WORDS = _words(
    "the of and a to in we is for that with on this by are as an be which our from can at it "
    "these both or not show using than its such based also has two new their all into between"
)
_ML_TERMS = _words(
    "model models learning neural network networks data training language transformer attention "
    "performance method methods results large dataset datasets task tasks approach propose "
    "proposed framework deep representation representations inference optimization gradient "
    "generalization benchmark benchmarks reinforcement policy reward agent diffusion generative "
    "adversarial embedding embeddings token tokens pretraining fine-tuning LLMs LLM GPT-4 BERT "
    "ViT LoRA RLHF prompt prompting in-context retrieval multimodal vision image images video "
    "speech audio graph convolutional recurrent self-supervised contrastive supervised "
    "unsupervised latent variational Bayesian posterior stochastic convergence regret bandit "
    "kernel Gaussian sparse quantization distillation pruning robustness alignment "
    "hallucination reasoning chain-of-thought evaluation state-of-the-art accuracy scaling "
    "parameters layers encoder decoder autoregressive loss objective regularization baseline "
    "quantum entanglement qubit Hamiltonian gauge field spacetime black holes cosmological "
    "galaxies spectra lattice fermions bosons superconductivity topological manifold theorem "
    "proof bounds polynomial convex nonconvex Markov equilibrium estimator estimators"
)
_TEX_TOKENS = _words(r"$\alpha$ $O(n\log{n})$ $\mathcal{O}(1/\sqrt{T})$ \emph{et~al.} $k$-NN")
_TEX_TOKENS += _words(r"$\ell_1$ $\epsilon$-greedy $\sim$10% $N=4$ 2D 3D")
_SYLLABLES = [c + v for c in "bcdfghjklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ou", "ai")]
_FIRST_NAMES = _words(
    "Wei Yan Jing Li Hao Xin Yu Ming Lei Jun Anna Maria Laura Sara Elena Julia Sofia Emma Olga "
    "John David Michael James Robert Daniel Thomas Peter Paul Mark Andrew Alexander Ivan Sergey "
    "Dmitry Pavel Hiroshi Takashi Yuki Kenji Min-Jun Ji-woo Seung Arjun Rahul Priya Ananya Amit "
    "Mohammed Ahmed Fatima Omar Ali Carlos Jose Luis Ana Pedro Giulia Marco Luca Hans Klaus "
    "Jonas Lukas Pierre Jean Camille Louis Noah Liam Olivia Ethan Chloe Zoe Ines Tomas Jakub"
)
_LAST_NAMES = _words(
    "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo Lin He Gao Luo Kim Lee "
    "Park Choi Jung Sato Suzuki Takahashi Tanaka Watanabe Smith Johnson Williams Brown Jones "
    "Miller Davis Garcia Rodriguez Martinez Hernandez Lopez Gonzalez Wilson Anderson Taylor "
    "Thomas Moore Martin Jackson White Harris Clark Lewis Young Walker Hall Allen King Wright "
    "Muller Schmidt Schneider Fischer Weber Meyer Wagner Becker Rossi Russo Ferrari Bianchi "
    "Dubois Bernard Moreau Laurent Ivanov Petrov Smirnov Kuznetsov Popov Singh Kumar Sharma "
    "Gupta Patel Khan Ali Nguyen Tran Pham Silva Santos Oliveira Pereira Costa Novak Kowalski"
)
_TEX_LAST_NAMES = _words(r"Bal\'azs M\"uller Gonz\'alez Ma\~nes Dvo\v{r}\'ak")

# Category groups: weight, then categories with their weights; cross-lists mostly stay inside.
_GROUPS = {
    "cs.LG:30 cs.CL:16 cs.CV:20 cs.AI:10 stat.ML:8 cs.IR:3 cs.NE:2 cs.RO:4 cs.CR:3 cs.SD:1 "
    "eess.AS:1 eess.IV:2 eess.SP:2 cs.HC:2 cs.CY:1 cs.DC:2 cs.SE:2 cs.DS:1 cs.IT:1": 42,
    "hep-th:8 hep-ph:8 hep-ex:2 hep-lat:1 gr-qc:4 quant-ph:10 astro-ph.CO:4 astro-ph.GA:5 "
    "astro-ph.SR:4 astro-ph.HE:3 astro-ph.EP:2 cond-mat.mes-hall:5 cond-mat.str-el:4 "
    "cond-mat.stat-mech:3 cond-mat.mtrl-sci:6 cond-mat.soft:2 physics.optics:4 "
    "physics.flu-dyn:2 nucl-th:2 math-ph:2": 33,
    "math.OC:6 math.PR:6 math.ST:3 stat.TH:3 math.AP:6 math.CO:6 math.AG:5 math.NT:4 math.DG:4 "
    "math.NA:5 math.GT:2 math.FA:3 stat.ME:4": 18,
    "q-bio.NC:3 q-bio.QM:3 q-bio.BM:2 econ.EM:2 q-fin.ST:1 stat.AP:3 physics.soc-ph:2": 7,
}
# Old-style ids name the archive (hep-th/9901001, math/0309136 listed in math.GT).
_OLD_CATEGORIES = _words(
    "hep-th hep-ph gr-qc quant-ph astro-ph cond-mat.mes-hall cond-mat.stat-mech math.GT math.AG "
    "math.PR nucl-th cs.LG cs.CL physics.optics nlin.CD"
)
_CC = "http://creativecommons.org/"
_LICENSES: dict[str | None, float] = {"http://arxiv.org/licenses/nonexclusive-distrib/1.0/": 52, None: 9}
_LICENSES[_CC + "publicdomain/zero/1.0/"] = 2
_CC_LICENSES = "by/4.0:26 by-nc-sa/4.0:4 by-nc-nd/4.0:3 by-sa/4.0:2 by/3.0:1 by-nc-sa/3.0:1"
_LICENSES |= {f"{_CC}licenses/{c.split(':')[0]}/": float(c.split(":")[1]) for c in _CC_LICENSES.split()}
# Every prefix ends with a non-digit, so prefix + record number is a unique DOI.
_DOI_PREFIXES = _words(
    "10.1103/PhysRevD.{v}. 10.1103/PhysRevLett.{v}. 10.1016/j.physletb.{y}. 10.1007/JHEP{m}({y}) "
    "10.1088/1742-6596/{v}/1/ 10.1145/{v}{m}. 10.1109/CVPR.{y}. 10.18653/v1/{y}.acl-long. "
    "10.1093/mnras/stad 10.1038/s41586-0{m}- 10.1137/{v}M"
)
_JOURNAL_REFS = _words(
    "Phys. Rev. D {v}, {n} ({y})|Phys.Rev.Lett.{v}:{n},{y}|JHEP {m}({y}) {n}|Proceedings of ACL "
    "{y}|NeurIPS {y}|Nature {v}, {n}-{n2} ({y})|ICLR {y}|Astrophys. J. {v} ({y}) {n}|Transactions"
    " on Machine Learning Research ({y})|IEEE Trans. Pattern Anal. Mach. Intell. {v} ({y}) "
    "{n}-{n2}|J. Math. Phys. {v}, {n} ({y})",
    "|",
)
_COMMENTS = _words(
    "{p} pages, {f} figures|{p} pages, {f} figures, {t} tables|{p} pages|Accepted at {c} {y}|"
    "{p} pages, {f} figures; v{r}: minor revisions|Accepted to {c} {y}. Code: "
    "https://github.com/example/repo{n}|{p} pages, LaTeX|Published version|{p} pages, {f} "
    "figures. Comments welcome!|{p} pages, {f} figures",
    "|",
)
_TITLE_FUNCTION_WORDS = _words("of for and with in on via the a to from under towards")
_CONFERENCES = _words("NeurIPS ICML ICLR ACL EMNLP CVPR ICCV AAAI COLT")
_REPORT_NOS = _words("CERN-TH-{y}-{n} DESY-{y2}-{n} FERMILAB-PUB-{y2}-{n}-T MIT-CTP/{n}")
_MONTHS = _words("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec")
_WEEKDAYS = _words("Mon Tue Wed Thu Fri Sat Sun")

_TAPE_WORDS = 1 << 19  # abstract tape; every word of the vocabulary appears in it
_TITLE_WORDS = 1 << 17
_AUTHOR_POOL = 1 << 16


def _weighted_table(rng: random.Random, items: list, weights: list[float], size: int) -> list:
    """A lookup table that, indexed uniformly, gives ``items`` with the given weights."""
    return rng.choices(items, weights=weights, k=size)


class _Model:
    """Everything drawn once per seed: vocabulary, tapes and pools."""

    def __init__(self, rng: random.Random) -> None:
        self.vocab = self._vocabulary(rng)
        # Zipf-Mandelbrot: weight of rank r is 1 / (r + 2.7); cumulative for random.choices.
        cum = list(itertools.accumulate(1.0 / (r + 2.7) for r in range(len(self.vocab))))
        self.tape, self.starts, self.ends = self._tape(rng, cum, _TAPE_WORDS, title=False)
        self.ttape, self.tstarts, self.tends = self._tape(rng, cum, _TITLE_WORDS, title=True)
        self.names, self.parsed, self.full_names = self._authors(rng)
        self.categories = self._categories(rng)
        self.old_categories = _OLD_CATEGORIES
        self.licenses = _weighted_table(rng, list(_LICENSES), list(_LICENSES.values()), 1024)
        self.comments = [self._fill(rng, rng.choice(_COMMENTS)) for _ in range(4096)]
        self.journal_refs = [self._fill(rng, rng.choice(_JOURNAL_REFS)) for _ in range(4096)]
        self.report_nos = [self._fill(rng, rng.choice(_REPORT_NOS)) for _ in range(512)]
        self.doi_prefixes = list(
            dict.fromkeys(self._fill(rng, rng.choice(_DOI_PREFIXES)) for _ in range(512))
        )
        self.times = [
            f"{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}" for _ in range(4096)
        ]
        weights = [0, 8, 17, 19, 16, 12, 9, 5.5, 3.5, 2.5, 1.8] + [1.2 / k for k in range(1, 21)]
        self.author_counts = _weighted_table(rng, list(range(31)), weights, 4096)
        lengths = [min(250, max(80, int(rng.gauss(160, 45)))) for _ in range(4096)]
        self.abstract_lengths = lengths
        self.title_lengths = _weighted_table(
            rng, list(range(5, 21)), [3, 6, 9, 11, 12, 12, 11, 9, 8, 6, 5, 3, 2, 1, 1, 1], 4096
        )
        self.version_counts = _weighted_table(rng, [1, 2, 3, 4], [58, 27, 10, 5], 1024)
        self.version_gaps = [1 + int(rng.expovariate(1 / 60)) for _ in range(1024)]
        self.days: dict[int, tuple[str, str]] = {}

    @staticmethod
    def _vocabulary(rng: random.Random) -> list[str]:
        """Function words first, then ML terms mixed with ~50k pseudo-words in the Zipf ranks."""
        words: dict[str, None] = dict.fromkeys(_FUNCTION_WORDS)
        pseudo: dict[str, None] = {}
        while len(pseudo) < 50_000:
            word = "".join(rng.choices(_SYLLABLES, k=rng.choice((1, 2, 2, 3, 3, 3, 4))))
            if word not in words:
                pseudo[word] = None
        rest = list(pseudo) + _ML_TERMS * 3 + _TEX_TOKENS
        ranks = [rng.random() * (0.02 if w in _ML_TERMS else 1.0) for w in rest]
        ordered = [w for _, w in sorted(zip(ranks, rest, strict=True))]
        return list(words) + list(dict.fromkeys(ordered))

    def _tape(
        self, rng: random.Random, cum: list[float], size: int, *, title: bool
    ) -> tuple[str, array, array]:
        """``size`` Zipf words joined with arXiv's separators, and each word's start and end."""
        if title:  # Title Case content words, some short function words, a wrapped line
            skip = len(_FUNCTION_WORDS)
            base = cum[skip - 1]
            content = rng.choices(self.vocab[skip:], cum_weights=[c - base for c in cum[skip:]], k=size)
            words = [w[:1].upper() + w[1:] for w in content]
            for i in range(0, size, 5):
                if rng.random() < 0.8:
                    words[i] = rng.choice(_TITLE_FUNCTION_WORDS)
            seps = rng.choices([" ", "\n  ", ": "], weights=[93, 4, 3], k=size)
        else:  # sentences (a capital after each end), wrapped at 79 columns as arXiv does
            words = rng.choices(self.vocab, cum_weights=cum, k=size)
            seps = rng.choices([" ", ". ", ", "], weights=[87, 6, 7], k=size)
            column = 0
            for i, word in enumerate(words):
                if i and seps[i - 1][0] == ".":
                    words[i] = word = word[:1].upper() + word[1:]
                column += len(word) + len(seps[i])
                if column > 79:
                    seps[i - 1] = seps[i - 1].rstrip() + "\n"
                    column = len(word) + len(seps[i])
        pieces: list[str] = [""] * (2 * size)
        pieces[0::2], pieces[1::2] = words, seps
        offsets = list(itertools.accumulate(map(len, pieces), initial=0))
        return "".join(pieces), array("q", offsets[0::2]), array("q", offsets[1::2])

    @staticmethod
    def _authors(rng: random.Random) -> tuple[list[str], list[list[str]], list[str]]:
        """A pool of people: as written in ``authors``, as ``authors_parsed``, full name."""
        lasts = _LAST_NAMES + [
            s.capitalize() for s in ("".join(rng.choices(_SYLLABLES, k=3)) for _ in range(3000))
        ]
        names, parsed, full = [], [], []
        for _ in range(_AUTHOR_POOL):
            first = rng.choice(_FIRST_NAMES)
            last = rng.choice(_TEX_LAST_NAMES) if rng.random() < 0.01 else rng.choice(lasts)
            given = first if rng.random() < 0.6 else first[0] + "."
            if rng.random() < 0.15:
                given += f" {rng.choice('ABCDEFGHJKLMNPRSTW')}."
            suffix = "Jr" if rng.random() < 0.003 else ""
            names.append(f"{given} {last}" + (f" {suffix}" if suffix else ""))
            parsed.append([last, given, suffix])
            full.append(f"{first} {last}")
        return names, parsed, full

    @staticmethod
    def _categories(rng: random.Random) -> list[str]:
        groups = []
        for spec, weight in _GROUPS.items():
            cats, weights = zip(*(c.rsplit(":", 1) for c in spec.split()), strict=True)
            groups.append((weight, list(cats), [float(w) for w in weights]))
        all_cats = [c for _, cats, _ in groups for c in cats]
        pool = []
        for _ in range(8192):
            _, cats, weights = rng.choices(groups, weights=[g[0] for g in groups])[0]
            chosen = dict.fromkeys(rng.choices(cats, weights=weights))
            for _ in range(rng.choices([0, 1, 2, 3, 4], weights=[55, 28, 11, 4, 2])[0]):
                chosen[rng.choice(cats) if rng.random() < 0.85 else rng.choice(all_cats)] = None
            if "cs.IT" in chosen:  # arXiv always cross-lists the alias
                chosen["math.IT"] = None
            pool.append(" ".join(list(chosen)[:5]))
        return pool

    @staticmethod
    def _fill(rng: random.Random, template: str) -> str:
        y = rng.randrange(2007, 2025)
        n = rng.randrange(1, 999)
        return template.format(
            v=rng.randrange(20, 120),
            y=y,
            y2=y % 100,
            m=f"{rng.randrange(1, 13):02d}",
            n=n,
            n2=n + rng.randrange(5, 30),
            p=rng.randrange(4, 60),
            f=rng.randrange(1, 20),
            t=rng.randrange(1, 10),
            r=rng.randrange(2, 4),
            c=rng.choice(_CONFERENCES),
        )

    def day(self, ordinal: int) -> tuple[str, str]:
        """``("Mon, 2 Apr 2007", "2007-04-02")`` for a day ordinal, cached (a few 10k days)."""
        got = self.days.get(ordinal)
        if got is None:
            d = dt.date.fromordinal(ordinal)
            got = (f"{_WEEKDAYS[d.weekday()]}, {d.day} {_MONTHS[d.month - 1]} {d.year}", d.isoformat())
            self.days[ordinal] = got
        return got


def _months(first: tuple[int, int]) -> Iterator[tuple[int, int, int, int]]:
    """``(year, month, first day ordinal, days in month)`` from ``first`` onwards."""
    year, month = first
    while True:
        start = dt.date(year, month, 1).toordinal()
        year2, month2 = (year + 1, 1) if month == 12 else (year, month + 1)
        yield year, month, start, dt.date(year2, month2, 1).toordinal() - start
        year, month = year2, month2


def _ids(n: int, rng: random.Random, old_categories: list[str]) -> Iterator[tuple]:
    """``(id, v1 day ordinal, old-style category or None)`` in increasing order.

    About 3% old-style ids first (August 1991 to March 2007, at most 999 a month as the
    format allows), then new-style ids from April 2007: 4-digit numbers to 2014, 5-digit after,
    with monthly volumes growing as arXiv's did.
    """
    n_old = min(round(n * 0.03), 188 * 999)
    per_month = max(1, -(-n_old // 188)) if n_old else 0
    months = _months((1991, 8))
    emitted = 0
    while emitted < n_old:
        year, month, start, days = next(months)
        count = min(per_month, n_old - emitted)
        for k in range(count):
            cat = old_categories[int(rng.random() * len(old_categories))]
            ident = f"{cat.split('.')[0]}/{year % 100:02d}{month:02d}{k + 1:03d}"
            yield ident, start + k * days // count, cat
        emitted += count
    months = _months((2007, 4))
    while emitted < n:
        year, month, start, days = next(months)
        width = 4 if year < 2015 else 5
        volume = min(9_999 if width == 4 else 99_999, 4_000 + 1_200 * (year - 2007))
        count = min(volume, n - emitted)
        yymm = f"{year % 100:02d}{month:02d}"
        for k in range(count):
            yield f"{yymm}.{k + 1:0{width}d}", start + k * days // count, None
        emitted += count


@functools.lru_cache(maxsize=2)
def _model(seed: int) -> _Model:
    """The model of a seed, kept: building it is most of the cost of a small snapshot."""
    return _Model(random.Random(seed))


def generate_snapshot(n: int, seed: int = 0) -> Iterator[dict]:
    """Yield ``n`` records shaped like the arXiv metadata snapshot, the same for the same seed."""
    m = _model(seed)
    rng = random.Random(f"records:{seed}")  # apart from the model's, which may be cached
    # Everything the loop touches is a local: this loop is the generator's whole cost.
    rand, bits = rng.random, rng.getrandbits
    tape, starts, ends = m.tape, m.starts, m.ends
    ttape, tstarts, tends = m.ttape, m.tstarts, m.tends
    tape_span, title_span, pool_span = len(starts) - 260, len(tstarts) - 21, len(m.names) - 31
    title_lengths, abstract_lengths, author_counts = m.title_lengths, m.abstract_lengths, m.author_counts
    names_pool, parsed_pool, full_names = m.names, m.parsed, m.full_names
    version_counts, version_gaps, days, day, times = m.version_counts, m.version_gaps, m.days, m.day, m.times
    categories_pool, licenses, comments, journal_refs = m.categories, m.licenses, m.comments, m.journal_refs
    doi_prefixes, report_nos = m.doi_prefixes, m.report_nos
    n_dois = len(doi_prefixes)
    for i, (ident, ordinal, old_category) in enumerate(_ids(n, rng, m.old_categories)):
        # Title and abstract: two slices of a tape each (see the module's docstring).
        length = title_lengths[bits(12)]
        cut = 1 + int(rand() * (length - 1))
        a, b = int(rand() * title_span), int(rand() * title_span)
        head = ttape[tstarts[a] : tends[a + cut - 1]]
        title = f"{head[:1].upper()}{head[1:]} {ttape[tstarts[b] : tends[b + length - cut - 1]]}"
        length = abstract_lengths[bits(12)]
        cut = length // 3 + int(rand() * length) // 3
        a, b = int(rand() * tape_span), int(rand() * tape_span)
        head = tape[starts[a] : ends[a + cut - 1]]
        abstract = f"  {head[:1].upper()}{head[1:]} {tape[starts[b] : ends[b + length - cut - 1]]}.\n"
        count = author_counts[bits(12)]
        first = int(rand() * pool_span)
        names = names_pool[first : first + count]
        authors = names[0] if count == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        versions = []
        for v in range(1, version_counts[bits(10)] + 1):
            created = f"{(days.get(ordinal) or day(ordinal))[0]} {times[bits(12)]} GMT"
            versions.append({"version": f"v{v}", "created": created})
            ordinal += version_gaps[bits(10)]
        if old_category:
            categories, license_ = old_category, None
        else:
            categories, license_ = categories_pool[bits(13)], licenses[bits(10)]
        yield {
            "id": ident,
            "submitter": full_names[first] if rand() < 0.985 else None,
            "authors": authors,
            "title": title,
            "comments": comments[bits(12)] if rand() < 0.6 else None,
            "journal-ref": journal_refs[bits(12)] if rand() < 0.2 else None,
            # The record number makes every DOI unique, as real ones are (they become aliases).
            "doi": f"{doi_prefixes[bits(9) % n_dois]}{i}" if rand() < 0.3 else None,
            "report-no": report_nos[bits(9)] if rand() < 0.05 else None,
            "categories": categories,
            "license": license_,
            "abstract": abstract,
            "versions": versions,
            "update_date": (days.get(ordinal - 1) or day(ordinal - 1))[1],
            "authors_parsed": parsed_pool[first : first + count],
        }


def write_snapshot(n: int, out: Path, seed: int = 0) -> None:
    """Write ``n`` records as JSON lines to ``out`` (gzip when it ends in .gz)."""
    import orjson  # the writer only; generation itself needs nothing outside the stdlib

    # gzip level 1: the benchmark wants a .gz like the real file, not the smallest one.
    gz = out.suffix == ".gz"
    with gzip.open(out, "wb", compresslevel=1) if gz else out.open("wb") as stream:
        batch: list[bytes] = []
        for record in generate_snapshot(n, seed):
            batch.append(orjson.dumps(record))
            if len(batch) == 4096:
                stream.write(b"\n".join(batch) + b"\n")
                batch.clear()
        if batch:
            stream.write(b"\n".join(batch) + b"\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.synthetic", description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int, help="number of records")
    parser.add_argument("out", type=Path, help="OUT.jsonl or OUT.jsonl.gz")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    began = time.perf_counter()
    write_snapshot(args.n, args.out, args.seed)
    seconds = time.perf_counter() - began
    print(f"{args.n} records to {args.out} in {seconds:.1f} s ({args.n / seconds:,.0f}/s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
