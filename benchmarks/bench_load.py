"""The served app under load: requests/s and latency for 1, 20 and 50 concurrent users, and what a page shows.

Run with `make bench-load` (or `.venv/bin/python benchmarks/bench_load.py`). Starts the app on a free port of
127.0.0.1 in this process, then:

1. HTTP: N users (threads) each send questions through Gradio's REST protocol (POST /gradio_api/call/<name>,
   then read the event stream until `complete`), back to back, to the JSON endpoint `ask_json` and to the chat's
   own `ask` event. Reported: requests/s, p50/p95/p99 ms, errors, and the pipeline's own time for the same
   questions in-process, so the cost of the app around it is visible.
2. Page: 20 browser tabs (Debian chromium, headless) ask at the same moment; the time from pressing Enter to
   the answer's first line being visible in the chat.

Questions come from `evals/questions.yaml` (read at run time). Figures come from one run on a shared machine:
compare figures from the same run only. Writes benchmarks/results/load.md, or the file named as the argument
(`PLEDGEBOT_EMBEDDER=minilm PLEDGEBOT_INDEX_DIR=index/.minilm … bench_load.py benchmarks/results/load-minilm.md`).
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import platform
import socket
import statistics
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

from pledgebot.app.client import call_event  # noqa: E402
from pledgebot.app.controls import ANY  # noqa: E402
from pledgebot.app.serve import serve  # noqa: E402
from pledgebot.app.tabs import build_app  # noqa: E402
from pledgebot.config import Settings  # noqa: E402
from pledgebot.evals import load_questions  # noqa: E402
from pledgebot.pipeline import PledgeBot  # noqa: E402

USERS = (1, 20, 50)
PER_USER = 8
PAGE_USERS = 20
PAGE_QUESTIONS = 15
CHROMIUM = "/usr/bin/chromium"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(client: httpx.Client, url: str, name: str, data: list, session: str | None = None) -> float:
    """One request through Gradio's REST protocol; returns its wall time in ms (raises on an error event)."""
    t0 = time.perf_counter()
    call_event(client, url, name, {"data": data} | ({"session_hash": session} if session else {}))
    return (time.perf_counter() - t0) * 1000


def load(url: str, name: str, args: list[list], users: int, sessions: bool = True) -> dict:
    """`users` threads, each sending PER_USER requests back to back; latencies, errors and throughput.

    Each user keeps one connection and, with `sessions`, one Gradio session, as a browser tab or a
    gradio_client does; without, every request opens a new session (what a bare REST call does). Clients are
    made before the clock starts: they share the server's two cores, and building each one's TLS trust store
    (~20 ms) is no cost of the server."""
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    clients = [httpx.Client(timeout=120) for _ in range(users)]

    def user(k: int) -> None:
        session = f"bench-{name}-{users}-{k}-{time.monotonic_ns()}" if sessions else None
        for i in range(PER_USER):
            try:
                ms = call(clients[k], url, name, args[(k * PER_USER + i) % len(args)], session)
                with lock:
                    times.append(ms)
            except Exception as exc:  # counted, not fatal: the benchmark reports errors
                with lock:
                    errors.append(repr(exc)[:120])

    threads = [threading.Thread(target=user, args=(k,)) for k in range(users)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    for client in clients:
        client.close()
    return {"users": users, "n": len(times), "errors": errors, "rps": len(times) / wall, "times": times}


async def page_latency(url: str, questions: list[str]) -> list[float]:
    """PAGE_USERS tabs press Enter together; ms until each one's answer shows its first line."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        pages = []
        for _ in range(PAGE_USERS):
            page = await browser.new_page(viewport={"width": 1280, "height": 900})
            await page.goto(url)
            await page.wait_for_selector("#pb-question input, #pb-question textarea")
            pages.append(page)
        start = asyncio.Event()

        async def one(page, question: str) -> float:
            box = page.locator("#pb-question input, #pb-question textarea").first
            await box.fill(question)
            await start.wait()
            t0 = time.perf_counter()
            await box.press("Enter")
            await page.wait_for_selector("#pb-chat .message-row.bot-row", timeout=60_000)
            return (time.perf_counter() - t0) * 1000

        tasks = [asyncio.create_task(one(page, questions[k % len(questions)])) for k, page in enumerate(pages)]
        await asyncio.sleep(1.0)  # every tab has typed its question
        start.set()
        times = list(await asyncio.gather(*tasks))
        await browser.close()
        return times


async def one_tab_under_load(url: str, questions: list[str], json_args: list[list], others: int) -> list[float]:
    """One chromium tab asks PAGE_QUESTIONS questions in turn while `others` HTTP users keep the server busy:
    what one user sees when 20 ask at once, without 20 browsers competing with the server for two cores."""
    from playwright.async_api import async_playwright

    stop = threading.Event()

    def busy(k: int) -> None:
        with httpx.Client(timeout=120) as client:
            i, session = k, f"bench-busy-{k}-{time.monotonic_ns()}"  # one session per user, as in `load`
            while not stop.is_set():
                call(client, url, "ask_json", json_args[i % len(json_args)], session)
                i += others

    threads = [threading.Thread(target=busy, args=(k,), daemon=True) for k in range(others)]
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = await browser.new_page(viewport={"width": 1280, "height": 900})
        await page.goto(url)
        box = page.locator("#pb-question input, #pb-question textarea").first
        await box.wait_for()
        for t in threads:
            t.start()
        await asyncio.sleep(2.0)  # the load is running
        times = []
        for k, question in enumerate(questions[:PAGE_QUESTIONS]):
            await box.fill(question)
            t0 = time.perf_counter()
            await box.press("Enter")
            await page.locator("#pb-chat .message-row.bot-row").nth(k).wait_for(timeout=60_000)
            times.append((time.perf_counter() - t0) * 1000)
        stop.set()
        await browser.close()
    for t in threads:
        t.join()
    return times


def row(name: str, r: dict) -> str:
    t = r["times"]
    return (
        f"| {name} | {r['users']} | {r['n']} | {len(r['errors'])} | {r['rps']:.1f} | "
        f"{statistics.median(t):.0f} | {pct(t, 0.95):.0f} | {pct(t, 0.99):.0f} |"
    )


def main() -> int:
    settings = dataclasses.replace(Settings.from_env(), host="127.0.0.1", port=free_port())
    bot = PledgeBot.load(settings, llm=None)
    questions = [q.question for q in load_questions(settings.home / "evals" / "questions.yaml")]
    english = [q.question for q in load_questions(settings.home / "evals" / "questions.yaml") if q.category != "non_english"]
    for q in questions:  # warm: lazy models and caches, as a running app would be
        bot.ask(q)
    pipeline = []
    for q in questions:
        t0 = time.perf_counter()
        bot.ask(q)
        pipeline.append((time.perf_counter() - t0) * 1000)
    app = build_app(bot, settings)
    url = serve(app, settings, prevent_thread_lock=True, quiet=True).rstrip("/")
    try:
        json_args = [[q, "", "", 0, "", "", 0] for q in questions]  # every parameter, defaults after the question
        chat_args = [[q, [], *([ANY] * 5)] for q in questions]
        with httpx.Client(timeout=120) as client:
            call(client, url, "ask_json", json_args[0])  # the first request opens the queue
        results = [("`ask_json` (JSON API)", load(url, "ask_json", json_args, n)) for n in USERS]
        results += [("`ask` (the chat's event)", load(url, "ask", chat_args, n)) for n in USERS]
        # a bare REST call opens a new Gradio session each time: what that costs the server
        results += [("`ask_json`, a new session per request", load(url, "ask_json", json_args, 20, sessions=False))]
        browser = Path(CHROMIUM).exists()
        one_tab = asyncio.run(one_tab_under_load(url, english, json_args, PAGE_USERS - 1)) if browser else []
        page = asyncio.run(page_latency(url, english)) if browser else []
    finally:
        app.close()
    lines = [
        "# Benchmark: the served app under load",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d %H:%M %Z')}. Command: `make bench-load`. App concurrency limit "
        f"{settings.concurrency} (PLEDGEBOT_CONCURRENCY); clients run on the same machine. English model: "
        f"{bot.res.store.embedder.name} (PLEDGEBOT_EMBEDDER).",
        "",
        f"Pipeline alone, in-process, same {len(questions)} questions: p50 {statistics.median(pipeline):.0f} ms, "
        f"p95 {pct(pipeline, 0.95):.0f} ms, {1000 / statistics.mean(pipeline):.1f} answers/s on one thread.",
        "",
        f"HTTP: each user sends {PER_USER} questions back to back through Gradio's REST protocol, on one connection "
        "and one Gradio session (as a browser tab or gradio_client does); clients are made before the clock starts.",
        "",
        "| endpoint | users | requests | errors | requests/s | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|---|---|",
        *[row(name, r) for name, r in results],
    ]
    if page:
        lines += [
            "",
            "Page, as a user sees it (Enter to the answer's first line visible in the chat, English questions):",
            "",
            f"- one chromium tab asking {len(one_tab)} questions in turn while {PAGE_USERS - 1} HTTP users keep asking: "
            f"p50 {statistics.median(one_tab):.0f} ms, p95 {pct(one_tab, 0.95):.0f} ms;",
            f"- {PAGE_USERS} chromium tabs pressing Enter at the same moment: p50 {statistics.median(page):.0f} ms, "
            f"p95 {pct(page, 0.95):.0f} ms, max {max(page):.0f} ms (twenty browser pages and the server share two cores).",
        ]
    errors = [e for _, r in results for e in r["errors"]]
    if errors:
        lines += ["", f"First errors: {errors[:3]}"]
    text = "\n".join(lines) + "\n"
    print(text)
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "benchmarks" / "results" / "load.md"
    out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
