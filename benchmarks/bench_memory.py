"""The served app's memory over many sessions: the server's RSS while 5,000 chat questions arrive.

Run with `make bench-memory` (or `.venv/bin/python benchmarks/bench_memory.py`). The app runs in a child
process (this file with `--serve`), so the RSS sampled is the server's alone, not the clients'. Then:

1. warm-up: WARMUP requests (lazy models, caches, and whatever the app keeps per session filling up);
2. REQUESTS requests to the chat's own `ask` event through Gradio's REST protocol (the request code of
   bench_load.py), from USERS concurrent clients. Each REST call is a new Gradio session, as each new
   visitor's tab would be, so anything the app keeps per session shows here as growth;
3. the server's RSS is sampled after every SAMPLE_EVERY requests.

Questions are built from the records (submitters, countries, titles, years) with a few phrasings, so the
answers and their source panels vary as real ones do. Writes benchmarks/results/memory.md; with
`--label before` (or any word) the run is added under that heading and other labelled runs are kept.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("PLEDGEBOT_HOME", str(ROOT))
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import httpx  # noqa: E402
from bench_load import call, free_port  # noqa: E402  (this folder is on sys.path when run as a script)

from pledgebot.app.controls import ANY  # noqa: E402
from pledgebot.app.sessions import SESSION_CAPACITY  # noqa: E402
from pledgebot.config import Settings  # noqa: E402
from pledgebot.corpus import read_pledges  # noqa: E402

# Past the app's session capacity: until it is full, growth is sessions being kept, up to the bound by design.
WARMUP = max(300, SESSION_CAPACITY + 50)
REQUESTS = 5000
SAMPLE_EVERY = 250
USERS = 8
FLAT = 5.0  # the goal: RSS within ±5 % of the post-warm-up sample until the end
OUT = ROOT / "benchmarks" / "results" / "memory.md"
PHRASINGS = (
    "What did {submitter} pledge?",
    "Pledges from {country}, please",
    "What are cities in {country} doing for migrants?",
    "Tell me about {title}",
    "Which pledges were made in {year} in {region}?",
    "Who pledged something like {title}?",
)


def questions(n: int, seed: int = 7) -> list[str]:
    """`n` questions from the records' own names and titles, in a fixed shuffled order."""
    pledges = read_pledges(Settings.from_env().pledges_path)
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        p = rng.choice(pledges)
        out.append(
            rng.choice(PHRASINGS).format(
                submitter=p.submitter, country=p.country, title=p.title, year=p.year, region=p.region
            )
        )
    return out


def rss_kb(pid: int) -> int:
    """The resident set size of process `pid` in KB (psutil if installed, else /proc)."""
    try:
        import psutil

        return psutil.Process(pid).memory_info().rss // 1024
    except ImportError:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError(f"no VmRSS for process {pid}") from None


def serve_forever() -> None:
    """The child: load the pipeline, serve the app on a free port, print its URL, stop when stdin closes."""
    from pledgebot.app.serve import serve
    from pledgebot.app.tabs import build_app
    from pledgebot.pipeline import PledgeBot

    settings = dataclasses.replace(Settings.from_env(), host="127.0.0.1", port=free_port())
    app = build_app(PledgeBot.load(settings, llm=None), settings)
    url = serve(app, settings, prevent_thread_lock=True, quiet=True)
    print(f"URL {url.rstrip('/')}", flush=True)
    sys.stdin.read()  # the parent closes our stdin when it is done
    app.close()


def drive(url: str, args: list[list], pid: int, samples: list[tuple[int, int]], errors: list[str]) -> float:
    """Send `args` from USERS threads; every SAMPLE_EVERY completed requests, append (count, RSS KB)."""
    lock = threading.Lock()
    done = 0
    next_index = iter(range(len(args)))

    def user() -> None:
        nonlocal done
        with httpx.Client(timeout=120) as client:
            while True:
                with lock:
                    i = next(next_index, None)
                if i is None:
                    return
                try:
                    call(client, url, "ask", args[i])
                except Exception as exc:  # counted, not fatal: the benchmark reports errors
                    with lock:
                        errors.append(repr(exc)[:120])
                with lock:
                    done += 1
                    if done % SAMPLE_EVERY == 0:
                        samples.append((done, rss_kb(pid)))

    threads = [threading.Thread(target=user) for _ in range(USERS)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0


def report(label: str, start_kb: int, samples: list[tuple[int, int]], errors: list[str], wall: float) -> str:
    """The run as markdown: the samples, growth in % and KB/request, and whether it stayed flat."""
    end_kb = samples[-1][1]
    growth = 100 * (end_kb - start_kb) / start_kb
    per_request = (end_kb - start_kb) / samples[-1][0]
    worst = max(abs(kb - start_kb) for _, kb in samples) * 100 / start_kb
    verdict = "flat" if worst <= FLAT else "NOT flat"
    lines = [
        f"## {label}",
        "",
        f"Command: `{command()}`. "
        f"{time.strftime('%Y-%m-%d %H:%M %Z')}; {os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}; {USERS} concurrent clients, each request a new session; "
        f"{samples[-1][0]} requests in {wall:.0f} s ({samples[-1][0] / wall:.1f}/s), {len(errors)} errors.",
        "",
        f"After warm-up ({WARMUP} requests): **{start_kb / 1024:.0f} MB**; after {samples[-1][0]} more: "
        f"**{end_kb / 1024:.0f} MB**. Growth **{growth:+.1f} %**, **{per_request:+.1f} KB/request**; "
        f"largest deviation from the post-warm-up sample {worst:.1f} % ({verdict} by the ±{FLAT:.0f} % goal).",
        "",
        "| requests after warm-up | RSS MB | vs. post-warm-up |",
        "|---|---|---|",
        f"| 0 | {start_kb / 1024:.1f} | — |",
        *[f"| {n} | {kb / 1024:.1f} | {100 * (kb - start_kb) / start_kb:+.1f} % |" for n, kb in samples],
    ]
    if errors:
        lines += ["", f"First errors: {errors[:3]}"]
    return "\n".join(lines) + "\n"


def command() -> str:
    """How this run was started, as it can be repeated from the repository's root."""
    args = " ".join(f'"{a}"' if " " in a else a for a in sys.argv[1:])
    return f".venv/bin/python benchmarks/bench_memory.py {args}".strip()


def write(label: str, section: str) -> None:
    """Replace this label's section in memory.md, keeping the other labelled runs."""
    header = (
        "# Benchmark: the served app's memory over 5,000 sessions\n\n"
        "Server RSS (the app's own process) while clients send the chat's `ask` event, each request a new "
        f"Gradio session. Goal: RSS flat (±{FLAT:.0f} %) from after warm-up to the end. "
        "Command: `make bench-memory` (`.venv/bin/python benchmarks/bench_memory.py --label <name>`).\n"
    )
    old = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
    sections = {s.split("\n", 1)[0]: "## " + s for s in old.split("\n## ")[1:]}
    sections[f"{label}"] = section
    OUT.write_text(header + "\n" + "\n".join(s.rstrip() + "\n" for s in sections.values()), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--label", default="latest", help="the heading this run is written under")
    parser.add_argument("--requests", type=int, default=REQUESTS)
    opts = parser.parse_args()
    if opts.serve:
        serve_forever()
        return 0
    asked = questions(WARMUP + opts.requests)
    args = [[q, [], *([ANY] * 5)] for q in asked]  # the chat's inputs: question, chat, five filters
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        line = child.stdout.readline()
        if not line.startswith("URL "):
            raise RuntimeError(f"the app did not start: {line!r}")
        url = line.split()[1]
        errors: list[str] = []
        drive(url, args[:WARMUP], child.pid, [], errors)
        time.sleep(2)  # the warm-up's last events settle
        start_kb = rss_kb(child.pid)
        samples: list[tuple[int, int]] = []
        wall = drive(url, args[WARMUP:], child.pid, samples, errors)
    finally:
        child.stdin.close()
        child.wait(timeout=60)
    section = report(opts.label, start_kb, samples, errors, wall)
    print(section)
    write(opts.label, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
