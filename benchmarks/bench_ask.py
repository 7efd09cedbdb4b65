"""Speed of `pledgebot ask`: warm latency over the question set, and cold start of the CLI.

Run with `make bench` (or `.venv/bin/python benchmarks/bench_ask.py`). Prints the figures and writes them to
benchmarks/results/latest.md. Medians and percentiles come from one run; the machine is shared, so compare
figures from the same run only.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("PLEDGEBOT_HOME", str(ROOT))
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before onnxruntime and the multilingual model load

from pledgebot.config import Settings  # noqa: E402
from pledgebot.evals import load_questions  # noqa: E402
from pledgebot.pipeline import AskedVectors, PledgeBot  # noqa: E402

ROUNDS = 3
COLD_RUNS = 5


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def warm(bot: PledgeBot, questions: list) -> dict[str, list[float]]:
    by_lang: dict[str, list[float]] = {"English": [], "Spanish/French/Portuguese": []}
    for q in questions:  # one untimed pass: caches, lazy models
        bot.ask(q.question)
    for _ in range(ROUNDS):
        for q in questions:
            t0 = time.perf_counter()
            bot.ask(q.question)
            ms = (time.perf_counter() - t0) * 1000
            by_lang["Spanish/French/Portuguese" if q.category == "non_english" else "English"].append(ms)
    return by_lang


def follow_ups(bot: PledgeBot, questions: list) -> list[float]:
    """Each English question asked as a chat's fourth turn: the three before it resent as history."""
    texts = [q.question for q in questions if q.category != "non_english"]
    times = []
    for i, text in enumerate(texts):
        t0 = time.perf_counter()
        bot.ask(text, history=texts[max(0, i - 3) : i])
        times.append((time.perf_counter() - t0) * 1000)
    return times


def cold(question: str) -> list[float]:
    exe = ROOT / ".venv" / "bin" / "pledgebot"
    times = []
    for _ in range(COLD_RUNS):
        t0 = time.perf_counter()
        subprocess.run([str(exe), "ask", question], check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - t0)
    return times


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink()) / 1e6


def environment() -> str:
    """The virtual environment's size, and torch's share of it (imported only for the one-time ONNX export)."""
    site = next((ROOT / ".venv" / "lib").glob("python*/site-packages"))
    torch_mb = folder_mb(site / "torch") if (site / "torch").is_dir() else 0.0
    return f"Environment: .venv {folder_mb(ROOT / '.venv') / 1000:.2f} GB, of which torch {torch_mb:.0f} MB."


def main() -> int:
    settings = Settings.from_env()
    t0 = time.perf_counter()
    bot = PledgeBot.load(settings, llm=None)
    load_s = time.perf_counter() - t0
    questions = load_questions(settings.home / "evals" / "questions.yaml")
    lat = warm(bot, questions)
    allq = lat["English"] + lat["Spanish/French/Portuguese"]
    turns = follow_ups(bot, questions)
    bot.asked_vectors = AskedVectors(size=0)  # the same, embedding every earlier turn again (as before the cache)
    turns_uncached = follow_ups(bot, questions)
    # the other English model, same questions, same run: what PLEDGEBOT_EMBEDDER=minilm buys in speed
    minilm = PledgeBot.load(replace(settings, embedder="minilm", index_dir=settings.index_dir / ".minilm"), llm=None)
    lat_minilm = warm(minilm, questions)
    all_minilm = lat_minilm["English"] + lat_minilm["Spanish/French/Portuguese"]
    cold_s = cold("Who runs one-stop shops for OFWs?")
    m = bot.store.manifest
    lines = [
        "# Benchmark: `pledgebot ask`",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d %H:%M %Z')}. Command: `make bench`.",
        "",
        f"Warm latency: {len(questions)} questions from `evals/questions.yaml` x {ROUNDS} rounds after one untimed pass, "
        "one process, models loaded once (`PledgeBot.ask`, the code path of `pledgebot ask`).",
        "",
        "| questions | n | p50 ms | p95 ms | max ms |",
        "|---|---|---|---|---|",
    ]
    minilm_rows = [(f"{name}, PLEDGEBOT_EMBEDDER=minilm", v) for name, v in [("all", all_minilm), *lat_minilm.items()]]
    rows_turns = [("English, as a chat's 4th turn (3 earlier turns resent)", turns),
                  ("the same, earlier turns embedded again (no cache)", turns_uncached)]  # fmt: skip
    rows = [("all", allq), *lat.items(), *minilm_rows, *rows_turns]
    for name, values in rows:
        lines.append(
            f"| {name} | {len(values)} | {statistics.median(values):.1f} | {pct(values, 0.95):.1f} | {max(values):.1f} |"
        )
    ratio = statistics.median(allq) / statistics.median(all_minilm)
    lines += [
        "",
        f"all-mpnet-base-v2 (the default) against all-MiniLM-L6-v2: p50 ratio {ratio:.1f}x in this run.",
        "",
        f'Cold start (process start to the printed answer, index present): `pledgebot ask "..."` x {COLD_RUNS}: '
        f"median {statistics.median(cold_s):.2f} s (min {min(cold_s):.2f}, max {max(cold_s):.2f}).",
        "",
        f"In-process load (`PledgeBot.load`, first in this process): {load_s:.2f} s.",
        "",
        f"Index: {m.passages} passages of {m.passage_sentences} sentences (stride {m.passage_stride}), "
        f"{m.pledges} pledges, built in {m.build_seconds:.1f} s with {m.model} + {m.multilingual_model}.",
        "",
        environment(),
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    out = ROOT / "benchmarks" / "results" / "latest.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
