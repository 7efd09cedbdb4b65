"""PledgeBot at scale: index build, index size, start-up, memory and warm latency on corpora of N pledges.

Run with `make bench-scale` (or `.venv/bin/python benchmarks/bench_scale.py [SIZE ...]`). For each size it

1. makes a corpus of SIZE pledges from the real records, recombined (seeded): each new pledge takes its
   submitter, place, title, source and quotes from one real pledge, its year, type, dates and priorities
   from another, and a description of real description sentences drawn across all pledges, as many as a
   real pledge has; the report's sections are kept as they are. pledges.jsonl and sections.jsonl go in a
   temp folder with no CURRENT file, which PledgeBot reads directly;
2. builds the index there with `pledgebot index build` in a child process (PLEDGEBOT_EMBEDDER=minilm, the
   multilingual model on as in the app), timed, and measures the index folder with `du`;
3. starts a fresh process that loads the bot as the app and the CLI do (`PledgeBot.load`, no rebuild) and
   answers one question: the time to that answer is the start-up; its RSS is read right after the load.
   The same process then asks six kinds of generic questions warm (one untimed pass, then ROUNDS rounds).

With `--vectors composed` the build (step 2) is scale_vectors.py's child instead, which calls the library's
build in-process with composed embedders: each document vector is the unit-normalised mean of the real
models' vectors of its sentences (each distinct sentence embedded once, cached), NOT model output, so the
build time leaves out the model inference; the run also times the real models on COST_SAMPLE synthetic
pledges and estimates a real first build from it. Everything else (Chroma writes, BM25, manifests, start-up,
memory, queries with the real models) is the real code. `--server` runs each size against a local
`chroma run` (PLEDGEBOT_CHROMA_URL), started for the size and stopped after it. These runs write their own
section of the results file, headed with their command line; a model run rewrites the real-model section.

The real 77-pledge corpus is measured the same way first, as the reference row. Sizes run in order within a
time budget (BUDGET_MIN minutes; `--budget 0` for none): a size whose estimate, extrapolated linearly from
the last size's measured seconds per pledge, does not fit what is left is replaced by the largest round size
that does, and the results say so. Writes benchmarks/results/scale.md and prints it. The machine is shared,
so compare figures from the same run only.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("PLEDGEBOT_HOME", str(ROOT))
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before onnxruntime and the multilingual model load

from pledgebot.config import Settings, entry_environment  # noqa: E402

entry_environment()

from scale_vectors import MODEL_HEADING, process_mb, start_server, stop_server, write_section  # noqa: E402

from pledgebot.corpus import read_pledges, read_sections  # noqa: E402
from pledgebot.records import Pledge, Section  # noqa: E402
from pledgebot.text import sentences  # noqa: E402

DEFAULT_SIZES = (1000, 10000)
BUDGET_MIN = 40.0  # the whole default run, reference row included
ROUNDS = 5
MARGIN = 0.75  # of the time left that a size chosen to fit the budget may be estimated to take
SEED = 11
COST_SAMPLE = 50  # synthetic pledges the real models are timed on in a composed run
OUT = ROOT / "benchmarks" / "results" / "scale.md"
READY = "first answer"
# Generic questions, two per kind, written for this benchmark (not from evals/): each kind takes another path
# through the router (listing, topical search, counting, quotes, similar pledges, the multilingual model).
KINDS: dict[str, tuple[str, ...]] = {
    "list by country": ("Show me the pledges from Italy", "List every pledge made in Brazil"),
    "topical": ("Which pledges are about mental health care for refugees?", "Who helps migrants find a job?"),
    "count": ("How many pledges come from Europe?", "How many pledges were made by organizations?"),
    "quote": (
        "Is there a quote from a mayor about welcoming refugees?",
        "Is there a quote about the climate crisis from an African mayor?",
    ),
    "similar": (
        "Which other cities run a welcoming plan like Lancaster's?",
        "Are there pledges like the climate academy for children in Amman?",
    ),
    "non-English": (
        "¿Qué ciudades ayudan a los migrantes a encontrar empleo?",
        "Quelles villes proposent un logement aux réfugiés ?",
    ),
}


# -- the synthetic corpus ----------------------------------------------------------------------------------


# what a synthetic pledge takes from its second real pledge, as one group
KIND_FIELDS = (
    "year", "duration", "start_year", "end_year", "ongoing", "pledge_type", "priorities", "priorities_inferred",
    "gcm_objectives", "gcr_focus_areas", "sdgs", "gcf_supported",
)  # fmt: skip


def synthetic(pledges: list[Pledge], n: int, seed: int = SEED) -> list[Pledge]:
    """`n` new pledges recombined from the real ones: each field group comes whole from one real pledge, so
    a submitter keeps its country and region and a 2022 action keeps its type-less record."""
    rng = random.Random(seed)
    pool = [s for p in pledges for s in sentences(p.description)]
    lengths = [max(1, len(sentences(p.description))) for p in pledges]
    out = []
    for i in range(n):
        place, kind = rng.choice(pledges), rng.choice(pledges)
        ascii_name = unicodedata.normalize("NFKD", place.submitter).encode("ascii", "ignore").decode().lower()
        slug = re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")[:30]
        out.append(
            dataclasses.replace(
                place,
                id=f"{kind.year}-scale-{i:06d}-{slug}",
                description=" ".join(rng.sample(pool, min(len(pool), rng.choice(lengths)))),
                **{name: getattr(kind, name) for name in KIND_FIELDS},
                joint_with=None,  # a partner's id would name a real pledge that is not in this corpus
            )
        )
    return out


def write_corpus(folder: Path, pledges: list[Pledge], sections: list[Section]) -> None:
    """pledges.jsonl and sections.jsonl, one JSON object a line, as `corpus build` writes them."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, records in (("pledges.jsonl", pledges), ("sections.jsonl", sections)):
        lines = (json.dumps(rec.to_dict(), ensure_ascii=False) + "\n" for rec in records)
        (folder / name).write_text("".join(lines), encoding="utf-8")


@dataclasses.dataclass(frozen=True)
class Mode:
    """How sizes are built: `vectors` "model" or "composed"; `server`: a Chroma server each; `cache`: sentence vectors."""

    vectors: str = "model"
    server: bool = False
    cache: Path | None = None


# -- one size -----------------------------------------------------------------------------------------------


def environment(corpus: Path, index: Path, report: Path) -> dict[str, str]:
    """The child processes' environment: this corpus and index, MiniLM, everything else as the app has it."""
    env = dict(os.environ)
    env |= {
        "PLEDGEBOT_CORPUS_DIR": str(corpus),
        "PLEDGEBOT_INDEX_DIR": str(index),
        "PLEDGEBOT_REPORT": str(report),  # citations are located in the real report's lines, as usual
        "PLEDGEBOT_EMBEDDER": "minilm",
    }
    return env


def share_models(index: Path) -> None:
    """Link the MiniLM ONNX copy `make index` exported (index/.models) into the new index folder: without it
    the first build in a folder exports the model with PyTorch first, which is set-up, not scale."""
    (index / ".models").mkdir(parents=True, exist_ok=True)
    for onnx in (ROOT / "index" / ".models").glob("all-MiniLM-L6-v2-*.onnx"):
        (index / ".models" / onnx.name).symlink_to(onnx)


def run_timed(
    cmd: list[str], env: dict[str, str], timeout: float | None, log: Path, out: Path | None = None
) -> tuple[float, int, int, float]:
    """Run `cmd` to the end: (seconds, exit code (-1000 when timed out and killed), the child's peak RSS in KB,
    mean 1-minute load average while it ran: the machine is shared, and a load well above the child's own ~2
    means others were competing). Its stderr goes to `log`, its stdout to `out` (or nowhere)."""
    t0 = time.perf_counter()
    loads = [os.getloadavg()[0]]
    with open(log, "wb") as err, open(out or os.devnull, "wb") as stdout:
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=stdout, stderr=err)
        deadline = None if timeout is None else t0 + timeout
        while True:  # os.wait4: this child's own peak RSS, not the largest of all children so far
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                proc.returncode = os.waitstatus_to_exitcode(status)
                return time.perf_counter() - t0, proc.returncode, usage.ru_maxrss, statistics.mean(loads)
            if deadline is not None and time.perf_counter() > deadline:
                proc.kill()
                _, _, usage = os.wait4(proc.pid, 0)
                return time.perf_counter() - t0, -1000, usage.ru_maxrss, statistics.mean(loads)
            time.sleep(0.2)
            loads.append(os.getloadavg()[0])


def du_mb(folder: Path) -> float:
    """Disk use of `folder` as `du` counts it (blocks; the linked model file is not followed)."""
    out = subprocess.run(["du", "-sk", str(folder)], capture_output=True, text=True, check=True).stdout
    return int(out.split()[0]) / 1024


def startup(env: dict[str, str], rounds: int, timeout: float | None) -> dict:
    """A fresh process loads the bot and answers once (start-up), then asks every kind warm."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", "--rounds", str(rounds)],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    watchdog = threading.Timer(timeout, proc.kill) if timeout else None  # a load that never answers, too
    if watchdog:
        watchdog.start()
    try:
        line = proc.stdout.readline()
        ready_s = time.perf_counter() - t0
        rest, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        rest, err = proc.communicate()
        return {"error": f"start-up and asks timed out after {time.perf_counter() - t0:.0f} s: {tail(err)}"}
    finally:
        if watchdog:
            watchdog.cancel()
    if proc.returncode == -9:
        return {"error": f"start-up and asks killed after {time.perf_counter() - t0:.0f} s (timeout or memory)"}
    if not line.startswith(READY) or proc.returncode:
        return {"error": f"exit {proc.returncode}: {tail(err)}"}
    return {"startup_s": ready_s, **json.loads(line[len(READY) :])} | json.loads(rest.strip().splitlines()[-1])


def tail(text: str, lines: int = 3) -> str:
    return " | ".join(text.strip().splitlines()[-lines:])[-600:]


def measure(name: str, corpus: Path, work: Path, report: Path, rounds: int, timeout: float | None, mode: Mode) -> dict:
    """Build, size and start one corpus (against a Chroma server of its own with `mode.server`); the figures,
    or where it failed."""
    if not mode.server:
        return measure_in(name, corpus, work, report, rounds, timeout, mode, {})
    data = work / f"chroma-{name}"
    t0 = time.perf_counter()
    proc, url = start_server(data, work / f"chroma-{name}.log")
    row: dict = {"server_start_s": time.perf_counter() - t0}
    try:
        row |= measure_in(name, corpus, work, report, rounds, timeout, mode, {"PLEDGEBOT_CHROMA_URL": url})
        row |= {"server_rss_mb": process_mb(proc.pid, "VmRSS"), "server_peak_mb": process_mb(proc.pid, "VmHWM")}
    finally:
        stop_server(proc)
    if "index_mb" in row:
        row |= {"server_data_mb": du_mb(data), "index_mb": row["index_mb"] + du_mb(data)}
    return row


def measure_in(
    name: str, corpus: Path, work: Path, report: Path, rounds: int, timeout: float | None, mode: Mode, extra: dict
) -> dict:
    index = work / f"index-{name}"
    share_models(index)
    env = environment(corpus, index, report) | extra
    log, out = work / f"build-{name}.log", work / f"build-{name}.out"
    cmd = [sys.executable, "-m", "pledgebot.cli", "index", "build"]
    if mode.vectors == "composed":
        cmd = [sys.executable, str(Path(__file__).with_name("scale_vectors.py")), "build", "--cache", str(mode.cache)]
    build_s, code, build_kb, load = run_timed(cmd, env, timeout, log, out)
    row: dict = {"build_s": build_s, "build_rss_mb": build_kb / 1024, "load": load}
    if code:
        reason = {-1000: "timed out", -9: "was killed (SIGKILL: out of memory?)"}.get(code, f"exit {code}")
        return row | {"error": f"index build {reason} after {build_s:.0f} s: {tail(log.read_text())}"}
    if mode.vectors == "composed":
        row["composed"] = json.loads(out.read_text().strip().splitlines()[-1])
    manifest = json.loads(next(index.glob("*/manifest.json")).read_text())
    row |= {"index_mb": du_mb(index), "passages": manifest["passages"], "pledges": manifest["pledges"]}
    row |= startup(env, rounds, timeout)
    if mode.vectors == "composed" and "startup_s" in row:  # the first start embeds the quotes once; a restart not
        again = startup(env, 0, timeout)
        row |= {f"restart_{k}": again[k] for k in ("startup_s", "load_s", "rss_mb") if k in again}
    return row


# -- the child: load, answer, ask warm ------------------------------------------------------------------------


def rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def child(rounds: int) -> None:
    """Print READY + load figures once the first answer is out, then one JSON line of warm latencies."""
    from pledgebot.pipeline import PledgeBot

    t0 = time.perf_counter()
    bot = PledgeBot.load(Settings.from_env(), llm=None, rebuild=False)  # a stale index fails, never rebuilds
    load_s, load_rss = time.perf_counter() - t0, rss_mb()
    bot.ask(KINDS["topical"][0])
    print(READY + json.dumps({"load_s": load_s, "rss_mb": load_rss, "sentences": len(bot.store.sentence_ids)}))
    sys.stdout.flush()
    read_as: dict[str, list[str]] = {}
    for kind, questions in KINDS.items():  # one untimed pass: lazy models, caches; and what each was read as
        for q in questions:
            a = bot.ask(q)
            read_as.setdefault(kind, []).append(f"{a.intent}, {a.total_matches or len(a.citations)} found")
    lat: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for _ in range(rounds):
        for kind, questions in KINDS.items():
            for q in questions:
                t = time.perf_counter()
                bot.ask(q)
                lat[kind].append((time.perf_counter() - t) * 1000)
    print(json.dumps({"latency_ms": lat, "read_as": read_as, "peak_rss_mb": rss_mb("VmHWM")}))


# -- the run: sizes within the budget, then the results file --------------------------------------------------


def estimate(done: list[tuple[int, float]], size: int) -> float | None:
    """Seconds `size` would take: a line through the last two sizes measured (through zero with one)."""
    if not done:
        return None
    if len(done) == 1:
        return done[0][1] * size / done[0][0]
    (n1, s1), (n2, s2) = done[-2:]
    slope = (s2 - s1) / (n2 - n1) if n2 != n1 else s2 / n2
    return s2 + slope * (size - n2)


def plan(size: int, done: list[tuple[int, float]], left_s: float | None) -> tuple[int, str]:
    """The size to run for `size` (itself, a smaller round one, or 0 for none) and, when it changed, why.
    A replacement size fills MARGIN of the time left: on a shared machine a step can run slower than the last."""
    est = estimate(done, size)
    if left_s is None or est is None or est <= left_s:
        return size, ""
    fit = size
    while fit > 500 and (estimate(done, fit) or 0) > MARGIN * left_s:
        fit -= 500 if fit <= 5000 else 1000
    fit = fit if fit > done[-1][0] and (estimate(done, fit) or 0) <= MARGIN * left_s else 0
    why = (
        f"{size:,} pledges did not fit the time left ({left_s / 60:.0f} min): estimated {est / 60:.0f} min, on a line "
        f"through the whole-size times of {' and '.join(f'{n:,}' for n, _ in done[-2:])} pledges"
    )
    return fit, why + (f"; measured {fit:,} instead" if fit else "; not run")


def inference_cost(real_p: list[Pledge], real_s: list[Section], work: Path, report: Path) -> dict:
    """The real models' inference seconds per pledge, timed on the first COST_SAMPLE synthetic pledges (the same
    at every size: the recombination is seeded) in a child process (scale_vectors.py cost)."""
    corpus, index = work / "corpus-cost", work / "index-cost"
    write_corpus(corpus, synthetic(real_p, COST_SAMPLE), real_s)
    share_models(index)
    cmd = [sys.executable, str(Path(__file__).with_name("scale_vectors.py")), "cost", "--sample", str(COST_SAMPLE)]
    print(f"bench-scale: timing the real models on {COST_SAMPLE} synthetic pledges ...", file=sys.stderr, flush=True)
    got = subprocess.run(cmd, env=environment(corpus, index, report), cwd=ROOT, capture_output=True, text=True)
    if got.returncode:
        return {"error": f"exit {got.returncode}: {tail(got.stderr)}"}
    return json.loads(got.stdout.strip().splitlines()[-1])


def run(sizes: list[int], rounds: int, budget_min: float, keep: bool, mode: Mode) -> tuple[list[dict], list[str], dict]:
    """Measure the real corpus, then each size in turn; the rows, the notes on sizes changed or failed, and (in
    a composed run) the real models' inference cost."""
    settings = Settings.from_env()
    real_p, real_s = read_pledges(settings.pledges_path), read_sections(settings.sections_path)
    work = Path(tempfile.mkdtemp(prefix="pledgebot-scale-"))
    started = time.perf_counter()
    rows: list[dict] = []
    notes: list[str] = []
    done: list[tuple[int, float]] = []
    if mode.vectors == "composed" and mode.cache is None:
        mode = dataclasses.replace(mode, cache=work / "vector-cache")  # reused across this run's sizes only
    cost = inference_cost(real_p, real_s, work, settings.report) if mode.vectors == "composed" else {}
    try:
        for size in [0, *sizes]:  # 0: the real corpus, the reference
            left = budget_min * 60 - (time.perf_counter() - started) if budget_min else None
            n, why = plan(size, done, left) if size else (len(real_p), "")
            if why:
                notes.append(why)
                print(f"bench-scale: {why}", file=sys.stderr, flush=True)
            if not n:
                continue
            t0 = time.perf_counter()
            corpus = work / f"corpus-{n}"
            write_corpus(corpus, synthetic(real_p, n) if size else real_p, real_s)
            print(f"bench-scale: {n:,} pledges ...", file=sys.stderr, flush=True)
            # a guard against a runaway step (something quadratic), well past the estimate: killing a step that
            # is merely slowed by a busy machine would lose the size's figures
            est = estimate(done, n)
            timeout = max(left, 3 * est, 600.0) if left is not None and est is not None else None
            row = {"size": n, "real": not size} | measure(str(n), corpus, work, settings.report, rounds, timeout, mode)
            row["total_s"] = time.perf_counter() - t0
            rows.append(row)
            print(f"bench-scale: {n:,} pledges took {row['total_s']:.0f} s {row.get('error', '')}", file=sys.stderr)
            if "error" in row:
                notes.append(f"{n:,} pledges: {row['error']}")
                break
            if not keep:
                shutil.rmtree(work / f"index-{n}", ignore_errors=True)  # the disk for the next size
                shutil.rmtree(work / f"chroma-{n}", ignore_errors=True)
            done.append((n, row["total_s"]))
    finally:
        if keep:
            print(f"bench-scale: corpora, indexes and build logs kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return rows, notes, cost


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary_table(rows: list[dict]) -> list[str]:
    lines = [
        "| pledges | passages | sentences | build s | build s per 1,000 pledges | load avg during build "
        "| build peak RSS MB | index MB | start-up s | of which load s | RSS after load MB | peak RSS MB | whole size s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        name = f"{r['size']:,}" + (" (real corpus)" if r["real"] else "")
        if "startup_s" not in r:
            lines.append(f"| {name} | — | — | {r['build_s']:.0f} | — | {r['load']:.1f} |" + " — |" * 6 + f" {r['total_s']:.0f} |")
            continue
        lines.append(
            f"| {name} | {r['passages']:,} | {r['sentences']:,} | {r['build_s']:.0f} | "
            f"{r['build_s'] * 1000 / r['size']:.0f} | {r['load']:.1f} | {r['build_rss_mb']:.0f} | {r['index_mb']:.0f} | "
            f"{r['startup_s']:.1f} | {r['load_s']:.1f} | {r['rss_mb']:.0f} | {r['peak_rss_mb']:.0f} | {r['total_s']:.0f} |"
        )
    return lines


def latency_tables(rows: list[dict]) -> list[str]:
    """p50 / p95 per kind (a column per size), then what each question was read as at each size."""
    ok = [r for r in rows if "latency_ms" in r]
    head = "| " + " | ".join(f"{r['size']:,}" for r in ok) + " |"
    rule = "|---|" + "---|" * len(ok)
    lines = ["| kind (p50 / p95 ms) " + head, rule]
    for kind in KINDS:
        cells = [f"{statistics.median(r['latency_ms'][kind]):.0f} / {pct(r['latency_ms'][kind], 0.95):.0f}" for r in ok]
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    lines += ["", "What each question was read as, and how many records it found (first, untimed pass):", ""]
    lines += ["| question " + head, rule]
    for kind, questions in KINDS.items():
        for n, q in enumerate(questions):
            lines.append(f"| {q} | " + " | ".join(r["read_as"][kind][n] for r in ok) + " |")
    return lines


def report(rows: list[dict], notes: list[str], rounds: int, budget_min: float, wall: float, code: str) -> str:
    lines = [
        MODEL_HEADING,
        "",
        f"Command: `{command()}`. Code: {code}. {time.strftime('%Y-%m-%d %H:%M %Z')}; {os.cpu_count()} cores, "
        f"{platform.python_implementation()} {platform.python_version()}; shared machine. Whole run {wall / 60:.1f} min "
        f"(budget {f'{budget_min:.0f} min' if budget_min else 'none'}).",
        "",
        "Synthetic corpora of N pledges recombined from the real records (seeded; real sentences, submitters, "
        "places, types, priorities), the report's sections as they are; PLEDGEBOT_EMBEDDER=minilm with the "
        "multilingual model, as the app runs. Build: `pledgebot index build` in a child process (peak RSS from "
        "`wait4`). Index MB: `du` of the index folder. Start-up: a fresh process from start to its first "
        "answer (`PledgeBot.load` then one question); RSS right after the load; peak RSS at its end. "
        f"Warm asks: {len(next(iter(KINDS.values())))} questions per kind x {rounds} rounds after one untimed pass. "
        "The descriptions reuse the real pool of about 430 description sentences, so past a few hundred pledges every "
        "sentence is in many records (the sentence index then treats them all as boilerplate); a real corpus of "
        "that size would have mostly distinct sentences, so answers here are not a quality measure.",
        "",
        *summary_table(rows),
        "",
        *latency_tables(rows),
    ]
    if notes:
        lines += ["", "Notes:", "", *[f"- {n}" for n in notes]]
    return "\n".join(lines) + "\n"


def composed_table(rows: list[dict], cost: dict) -> list[str]:
    """A composed run's figures per size, with the estimated real first build (composed build, less the model
    time its sentence cache took, plus the measured inference per pledge and the report's sections)."""
    per, fixed = cost.get("per_pledge_s"), cost.get("sections_s", 0.0)
    lines = [
        "| pledges | storage | passages | sentences | build s (composed vectors) | load avg during build "
        "| build peak RSS MB | index MB | start-up s | of which load s | RSS after load MB | peak RSS MB "
        "| restart s (load s, RSS MB) | server RSS MB at end / peak | est. model inference s "
        "| est. real first build s (min) | whole size s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        name = f"{r['size']:,}" + (" (real corpus)" if r["real"] else "")
        storage = "server" if "server_start_s" in r else "embedded"
        model_s = sum(v.get("model_s", 0.0) for v in r.get("composed", {}).values() if isinstance(v, dict))
        infer = per * r["size"] + fixed if per is not None else None
        est = f"{r['build_s'] - model_s + infer:.0f} ({(r['build_s'] - model_s + infer) / 60:.0f})" if infer else "—"
        server = f"{r['server_rss_mb']:.0f} / {r['server_peak_mb']:.0f}" if "server_rss_mb" in r else "—"
        again = f"{r['restart_startup_s']:.1f} ({r['restart_load_s']:.1f}, {r['restart_rss_mb']:.0f})" if "restart_rss_mb" in r else "—"
        head = f"| {name} | {storage} |"
        if "startup_s" not in r:
            lines.append(f"{head} — | — | {r['build_s']:.0f} | {r['load']:.1f} | {r['build_rss_mb']:.0f} |" + " — |" * 6
                         + f" {server} | {infer or 0:.0f} | {est} | {r['total_s']:.0f} |")  # fmt: skip
            continue
        lines.append(
            f"{head} {r['passages']:,} | {r['sentences']:,} | {r['build_s']:.0f} | {r['load']:.1f} | "
            f"{r['build_rss_mb']:.0f} | {r['index_mb']:.0f} | {r['startup_s']:.1f} | {r['load_s']:.1f} | "
            f"{r['rss_mb']:.0f} | {r['peak_rss_mb']:.0f} | {again} | {server} | {infer or 0:.0f} | {est} | {r['total_s']:.0f} |"
        )
    return lines


def composed_report(
    rows: list[dict], notes: list[str], cost: dict, rounds: int, budget_min: float, wall: float, code: str, mode: Mode
) -> str:
    storage = "a local Chroma server per size (`chroma run`, PLEDGEBOT_CHROMA_URL)" if mode.server else "embedded Chroma"
    if "per_pledge_s" in cost:
        n = cost["sample"]
        inference = (
            f"Real-model inference measured in this run on {n} synthetic pledges: e5 on the multilingual text "
            f"{cost['e5_s'] / n:.3f} s/pledge, MiniLM on the passages {cost['minilm_passages_s'] / n:.3f} and on the "
            f"sentences {cost['minilm_sentences_s'] / n:.3f}: **{cost['per_pledge_s']:.3f} s per pledge**, plus "
            f"{cost['sections_s']:.0f} s for the report's sections (1-minute load average {cost['load_avg']:.1f} then; "
            "the build child loads no model when every sentence is cached). Estimated real first build = composed build "
            "s (less the model time its sentence cache took) + that inference x pledges + sections."
        )
    else:
        inference = f"Real-model inference could not be measured: {cost.get('error', 'not run')}."
    lines = [
        f"## Composed vectors, {'server' if mode.server else 'embedded'}: `{command()}`",
        "",
        "**Document vectors here are NOT model output**: each is the unit-normalised mean of the real models' "
        "vectors of its sentences (each distinct sentence embedded once by the real model and cached; e5's "
        "passage embedding for the multilingual collection), so **build times exclude model inference**. "
        "Everything else is the real code: Chroma writes, manifests, start-up (`PledgeBot.load`), BM25, memory, "
        "and queries with the real models.",
        "",
        f"Code: {code}. {time.strftime('%Y-%m-%d %H:%M %Z')}; {os.cpu_count()} cores; shared machine (how busy it was: "
        f"the load average column). Storage: {storage}. Whole run {wall / 60:.1f} min (budget "
        f"{f'{budget_min:.0f} min' if budget_min else 'none'}). Warm asks: "
        f"{len(next(iter(KINDS.values())))} questions per kind x {rounds} rounds after one untimed pass. Index MB "
        "with a server: the index folder (manifest) + the server's data folder. " + inference,
        "",
        *composed_table(rows, cost),
        "",
        *latency_tables(rows),
        "",
        "Notes:",
        "",
        "- composed vectors: the document vectors are means of real sentence vectors, not model output; "
        "the build column leaves out the model inference, estimated in its own column from this run's timing. "
        "Start-up is the first start after the build, which reads what the build derived for it (derived.py: the "
        "printed quotes' vectors, composed here like every document vector, the pledge vectors and the BM25 index); "
        "restart: a second fresh process, its start-up.",
        *[f"- {n}" for n in notes],
    ]
    return "\n".join(lines) + "\n"


def code_state() -> str:
    """The commit and the uncommitted changes to src/, so a run can say which code it measured."""
    git = ["git", "-C", str(ROOT)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    diff = subprocess.run([*git, "diff", "HEAD", "--", "src"], capture_output=True, text=True).stdout
    return f"{head or 'unknown'}" + (f" + uncommitted src changes ({hashlib.sha256(diff.encode()).hexdigest()[:8]})" if diff else "")


def command() -> str:
    args = " ".join(f'"{a}"' if " " in a else a for a in sys.argv[1:])
    return f".venv/bin/python benchmarks/bench_scale.py {args}".strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("sizes", nargs="*", type=int, default=list(DEFAULT_SIZES), help="pledges per corpus")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="warm rounds over the questions")
    parser.add_argument("--budget", type=float, default=BUDGET_MIN, help="minutes for the whole run; 0: no limit")
    parser.add_argument("--keep", action="store_true", help="keep the temp corpora, indexes and build logs")
    parser.add_argument(
        "--vectors", choices=("model", "composed"), default="model",
        help="model: the real build; composed: document vectors are means of real sentence vectors (no model "
        "inference in the build; NOT model output), for sizes a real build cannot reach",
    )  # fmt: skip
    parser.add_argument("--server", action="store_true", help="each size against a local `chroma run` of its own")
    parser.add_argument("--vector-cache", type=Path, help="composed: the sentence-vector cache (default: per run)")
    parser.add_argument("--out", type=Path, default=OUT, help=f"the results file (default {OUT.relative_to(ROOT)})")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.child:
        child(opts.rounds)
        return 0
    mode = Mode(opts.vectors, opts.server, opts.vector_cache)
    t0, code = time.perf_counter(), code_state()
    rows, notes, cost = run(sorted(opts.sizes), opts.rounds, opts.budget, opts.keep, mode)
    if code_state() != code:  # the machine is shared: the code measured must be said if it moved under the run
        notes.append(f"the code changed during the run: {code} at the start, {code_state()} at the end")
    args = (rows, notes, opts.rounds, opts.budget, time.perf_counter() - t0, code)
    if mode == Mode():
        text, key = report(*args), "model"
    else:
        key = f"composed {'server' if mode.server else 'embedded'} {' '.join(map(str, sorted(opts.sizes)))}"
        text = composed_report(rows, notes, cost, *args[2:], mode)
    print(text)
    write_section(opts.out, key, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
