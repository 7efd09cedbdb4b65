"""The pure-Python part of start-up at scale: what `PledgeBot.from_parts` computes without a model.

Run with `.venv/bin/python benchmarks/bench_startup.py [SIZE ...] [--repeats R] [--label NAME] [--distinct]`. For each size
it makes a corpus of SIZE pledges with bench_scale's generator (the real records recombined, seeded; the
report's sections as they are), the sentences the index would hold (`store.all_sentences`) and a tiny
deterministic fake vector per sentence, then times, R times each, the steps of `from_parts` that need no
model: the gazetteer with the records' places, the sentence index, the pledges' mean vectors, the quotes,
`Resources` and `build_lexicon` (and, inside it, `proper_names` on its own). Medians are reported; the
first run of a process also reads the packaged YAML files, which the median leaves out. `tokenize`'s word
cache is emptied before each run, as a new process starts with it empty.

The generator draws descriptions from the real pool of about 430 description sentences, so at 10,000 pledges
the corpus holds about 1,000 distinct sentences in 55,000: work done once per distinct text looks far cheaper
than it would on a real corpus of that size. `--distinct` makes every description sentence unique (a word such
as "w12x3" after its first word) to measure that case too.

Each run also prints a digest of what was built (lexicon, the sentence index's word sets and idf, the
resources' tokens): an optimisation must leave it unchanged. The table goes under "## NAME" in
benchmarks/results/startup.md; the sections of other labels there are kept, and with a "before" and an
"after" a comparison table is written too. The machine is shared and noisy (two cores, other jobs running):
each section is one run of the script, minutes apart from the others, with the load average at its end;
steps of a few milliseconds move by more than any change made to them.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import platform
import re
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np
from bench_scale import ROOT, synthetic  # sets PLEDGEBOT_HOME and the entry environment, as its runs do

from pledgebot import text
from pledgebot.answer.compare import pledge_vectors
from pledgebot.answer.resources import Resources
from pledgebot.answer.sentences import SentenceIndex
from pledgebot.config import Settings
from pledgebot.corpus import read_pledges, read_sections
from pledgebot.embedding import english_words
from pledgebot.glossary import load_glossary
from pledgebot.places import default_gazetteer, with_records
from pledgebot.quotes import collect_quotes
from pledgebot.records import Pledge, Section
from pledgebot.store import all_sentences
from pledgebot.text import sentences
from pledgebot.understand.lexicon import build_lexicon, proper_names

DEFAULT_SIZES = (1000, 10000)
REPEATS = 3
DIM = 8  # fake vectors: the steps timed here only average and index them
OUT = ROOT / "benchmarks" / "results" / "startup.md"
# (step, part of the total): proper_names is timed again on its own, inside the lexicon's figure
STEPS = (
    ("gazetteer + records", True),
    ("sentence index", True),
    ("pledge vectors", True),
    ("quotes", True),
    ("resources", True),
    ("lexicon", True),
    ("of which proper_names", False),
)


def distinct(pledges: list[Pledge]) -> list[Pledge]:
    """The pledges with every description sentence made unique by a made-up lower-case word after its first
    word: it neither makes nor removes a sentence boundary, and a real corpus repeats few sentences."""
    out = []
    for i, p in enumerate(pledges):
        parts = []
        for k, s in enumerate(sentences(p.description)):
            first, space, rest = s.partition(" ")
            parts.append(f"{first} w{i}x{k} {rest}" if space else s)
        out.append(dataclasses.replace(p, description=" ".join(parts)))
    return out


def fake_vectors(n: int, seed: int = 0) -> np.ndarray:
    """`n` unit vectors of DIM dimensions, the same every run: sentence vectors without a model."""
    v = np.random.default_rng(seed).standard_normal((n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def canonical(obj: object) -> object:
    """A form of `obj` whose repr does not depend on set order or hash seeds, for the digest."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return (type(obj).__name__, [(f.name, canonical(getattr(obj, f.name))) for f in dataclasses.fields(obj)])
    if isinstance(obj, dict):
        return sorted(((canonical(k), canonical(v)) for k, v in obj.items()), key=repr)
    if isinstance(obj, set | frozenset):
        return sorted((canonical(x) for x in obj), key=repr)
    if isinstance(obj, list | tuple):
        return [canonical(x) for x in obj]
    return obj


def digest(obj: object) -> str:
    return hashlib.sha256(repr(canonical(obj)).encode()).hexdigest()[:12]


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def one_run(pledges: list[Pledge], sections: list[Section], sents: list[tuple[str, str, str]], english) -> dict:
    """Each step once, in `from_parts` order: {step: seconds} and the objects built."""
    # a start-up begins with tokenize's word cache empty: an earlier run must not have filled it (getattr: the
    # code before that cache was added is measured by this script too)
    getattr(getattr(text, "_token", None), "cache_clear", lambda: None)()
    glossary = load_glossary()
    docs, texts, vectors = [s[1] for s in sents], [s[2] for s in sents], fake_vectors(len(sents))
    s: dict[str, float] = {}
    s["gazetteer + records"], gaz = timed(lambda: with_records(default_gazetteer(), pledges))
    s["sentence index"], index = timed(lambda: SentenceIndex(docs, texts, vectors))
    s["pledge vectors"], pv = timed(lambda: pledge_vectors(pledges, index))
    s["quotes"], quotes = timed(lambda: collect_quotes(pledges, sections))

    def resources() -> Resources:
        # the store, searcher and calibration are not read when Resources is built
        return Resources(
            pledges=pledges, sections=sections, gazetteer=gaz, glossary=glossary, store=None, searcher=None,
            sentences=index, quotes=quotes, quote_vectors=np.zeros((len(quotes), DIM), dtype=np.float32),
            pledge_vectors=pv, calibration=None,
        )  # fmt: skip

    s["resources"], res = timed(resources)
    s["lexicon"], lexicon = timed(lambda: build_lexicon(gaz, pledges, sections, glossary, english=english))
    # the texts build_lexicon reads proper names from
    name_texts = [f"{p.submitter} {p.title} {p.description}" for p in pledges] + [
        f"{x.title} {x.text}" for x in sections
    ]
    s["of which proper_names"], _ = timed(lambda: proper_names(name_texts))
    return {"seconds": s, "built": (lexicon, index, res)}


# Tuples build_lexicon makes from frozensets: their order follows the process's string hash seed, so the
# digest reads them as sets (the order already differs between two processes of the same code).
SET_ORDERED = ("population_destination", "followup_cues", "this_year")


def built_digests(lexicon, index: SentenceIndex, res: Resources) -> dict[str, str]:
    lexicon = dataclasses.replace(lexicon, **{f: frozenset(getattr(lexicon, f)) for f in SET_ORDERED})
    return {
        "lexicon": digest(lexicon),
        "sentence index": digest((index.tokens, index._idf, index.boilerplate, index.rows)),
        "resources": digest((res._tokens, res._title_tokens, res._idf)),
    }


def measure(size: int, real_p: list[Pledge], real_s: list[Section], repeats: int, english, unique: bool) -> dict:
    pledges = synthetic(real_p, size) if size else real_p
    pledges = distinct(pledges) if unique else pledges
    sents = all_sentences(pledges, real_s)
    runs = []
    for n in range(repeats):
        run = one_run(pledges, real_s, sents, english)
        runs.append(run["seconds"])
        if n == 0:
            digests = built_digests(*run["built"])
        del run
        print(f"bench-startup: {len(pledges):,} pledges, run {n + 1}/{repeats}: {runs[-1]}", file=sys.stderr)
    medians = {step: statistics.median(r[step] for r in runs) for step, _ in STEPS}
    return {
        "pledges": len(pledges), "sentences": len(sents), "distinct": unique, "median_s": medians, "digests": digests
    }  # fmt: skip


# -- the results file -------------------------------------------------------------------------------------


def table(rows: list[dict]) -> list[str]:
    head = "| step (median s) | " + " | ".join(f"{r['pledges']:,} pledges" for r in rows) + " |"
    lines = [head, "|---|" + "---|" * len(rows)]
    for step, _ in STEPS:
        lines.append(f"| {step} | " + " | ".join(f"{r['median_s'][step]:.3f}" for r in rows) + " |")
    totals = [sum(r["median_s"][step] for step, counted in STEPS if counted) for r in rows]
    lines.append("| **total** | " + " | ".join(f"**{t:.3f}**" for t in totals) + " |")
    lines.append("| sentences | " + " | ".join(f"{r['sentences']:,}" for r in rows) + " |")
    for what in ("lexicon", "sentence index", "resources"):
        lines.append(f"| digest: {what} | " + " | ".join(f"`{r['digests'][what]}`" for r in rows) + " |")
    return lines


def section(label: str, rows: list[dict], repeats: int) -> str:
    lines = [
        f"## {label}",
        "",
        f"Command: `{command()}`. {time.strftime('%Y-%m-%d %H:%M %Z')}; {os.cpu_count()} cores, "
        f"{platform.python_implementation()} {platform.python_version()}; load average "
        f"{os.getloadavg()[0]:.1f} at the end; shared machine. Medians of {repeats} runs."
        + (" Every description sentence made unique (`--distinct`)." if rows and rows[0]["distinct"] else ""),
        "",
        *table(rows),
        "",
        f"<!-- data {json.dumps(rows)} -->",
    ]
    return "\n".join(lines) + "\n"


def comparison(before: list[dict], after: list[dict]) -> list[str]:
    """Before -> after per step and size (sizes both runs measured), and whether the digests match."""
    sizes = [r["pledges"] for r in before if r["pledges"] in {a["pledges"] for a in after}]
    b = {r["pledges"]: r for r in before}
    a = {r["pledges"]: r for r in after}
    lines = [
        "| step (median s) | " + " | ".join(f"{n:,}: before → after" for n in sizes) + " |",
        "|---|" + "---|" * len(sizes),
    ]
    for step, _ in STEPS:
        cells = []
        for n in sizes:
            x, y = b[n]["median_s"][step], a[n]["median_s"][step]
            cells.append(f"{x:.3f} → {y:.3f} ({x / y:.1f}x)" if y else f"{x:.3f} → {y:.3f}")
        lines.append(f"| {step} | " + " | ".join(cells) + " |")
    cells = []
    for n in sizes:
        x = sum(b[n]["median_s"][s] for s, counted in STEPS if counted)
        y = sum(a[n]["median_s"][s] for s, counted in STEPS if counted)
        cells.append(f"**{x:.3f} → {y:.3f} ({x / y:.1f}x)**")
    lines.append("| **total** | " + " | ".join(cells) + " |")
    same = ["same" if b[n]["digests"] == a[n]["digests"] else "**DIFFERENT**" for n in sizes]
    lines.append("| digests of what was built | " + " | ".join(same) + " |")
    return lines


def write(label: str, rows: list[dict], repeats: int) -> str:
    """Replace this label's section in OUT and keep the others; compare each "before…" section with its
    "after…" (same suffix: "before-distinct" with "after-distinct") when both exist."""
    old = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
    found = {m.group(1): m.group(0).rstrip() + "\n" for m in re.finditer(r"(?ms)^## (\S+)\n.*?(?=^## |\Z)", old)}
    sections = {k: v for k, v in found.items() if not k.startswith("comparison")}
    sections[label] = section(label, rows, repeats)
    data = {k: json.loads(m.group(1)) for k, v in sections.items() if (m := re.search(r"<!-- data (.*) -->", v))}
    for k in list(data):
        suffix = k.removeprefix("before")
        if k.startswith("before") and f"after{suffix}" in data:
            table = comparison(data[k], data[f"after{suffix}"])
            sections[f"comparison{suffix}"] = f"## comparison{suffix}\n\n" + "\n".join(table) + "\n"
    text = "# Benchmark: start-up without a model\n\n" + __doc__.split("\n\n", 1)[1].strip() + "\n\n"
    text += "\n".join(sections[k] for k in sorted(sections, key=_place))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    return text


def _place(label: str) -> tuple:
    """Comparisons first, then each before with its after."""
    for rank, prefix in enumerate(("comparison", "before", "after")):
        if label.startswith(prefix):
            return (rank > 0, label.removeprefix(prefix), rank)
    return (True, label, 3)


def command() -> str:
    return f"OMP_WAIT_POLICY=PASSIVE .venv/bin/python benchmarks/bench_startup.py {' '.join(sys.argv[1:])}".strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("sizes", nargs="*", type=int, default=list(DEFAULT_SIZES), help="pledges; 0: the real corpus")
    parser.add_argument("--repeats", type=int, default=REPEATS, help="runs of every step per size")
    parser.add_argument("--label", default="latest", help="the section of the results file to write")
    parser.add_argument("--distinct", action="store_true", help="make every description sentence unique")
    opts = parser.parse_args()
    settings = Settings.from_env()
    real_p, real_s = read_pledges(settings.pledges_path), read_sections(settings.sections_path)
    english = english_words()
    rows = [measure(size, real_p, real_s, opts.repeats, english, opts.distinct) for size in opts.sizes]
    print(write(opts.label, rows, opts.repeats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
