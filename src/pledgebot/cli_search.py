"""The retrieval commands of `pledgebot`: index build, search, ask, eval. Registered by cli.py."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable

from .config import Settings
from .errors import PledgeBotError, QuestionError
from .filters import Filters


def add_commands(sub: argparse._SubParsersAction, filter_flags: Callable[[argparse.ArgumentParser], None]) -> None:
    """Register the retrieval sub-commands."""
    index = sub.add_parser("index", help="the vector index")
    index_sub = index.add_subparsers(title="index commands")
    build = index_sub.add_parser("build", help="build the index if it is missing or stale (--force: always)")
    build.add_argument("--force", action="store_true", help="rebuild even when the index is current")
    build.set_defaults(func=cmd_index_build)

    search = sub.add_parser("search", help="ranked pledge hits for a query, no answer composition")
    search.add_argument("query")
    search.add_argument("--k", type=int, default=10, help="how many hits (default 10)")
    search.add_argument("--json", action="store_true", help="one JSON object")
    filter_flags(search)
    search.set_defaults(func=cmd_search)

    ask = sub.add_parser("ask", help="answer a question with cited pledge excerpts")
    ask.add_argument("question", help="the question, or - to read one question per line from stdin")
    ask.add_argument("--json", action="store_true", help="JSON output (one object per line with -)")
    filter_flags(ask)
    ask.set_defaults(func=cmd_ask)

    ev = sub.add_parser("eval", help="score configurations against evals/questions.yaml")
    ev.add_argument("--config", action="append", dest="configs", help="configuration name (repeatable)")
    ev.add_argument("--json", action="store_true", help="print the results as JSON")
    ev.add_argument("--write", action="store_true", help="write evals/results/latest.md and latest.json")
    ev.add_argument(
        "--first-run",
        nargs=2,
        metavar=("NAME", "PATH"),
        help="score a new blind set once with the default, record its first run in evals/sets.yaml, print its totals",
    )
    ev.add_argument("--misses", metavar="NAME", help="print a set's wrong answers (marks an untouched set tuned)")
    ev.set_defaults(func=cmd_eval)


def _load(settings: Settings, **kwargs):
    from .pipeline import PledgeBot

    return PledgeBot.load(settings, **kwargs)


def cmd_index_build(args: argparse.Namespace, settings: Settings) -> int:
    update_index(settings, force=args.force)
    return 0


def update_index(settings: Settings, force: bool) -> None:
    """Build the index for the published records when it is stale or missing (always with `force`)."""
    from .builds import build, open_store, read_manifest
    from .corpus import read_pledges, read_sections, records_fingerprint
    from .derived import derive
    from .embedding import embedder_named, multilingual_embedder

    folder = settings.records_dir()
    pledges = read_pledges(folder / "pledges.jsonl")
    sections = read_sections(folder / "sections.jsonl")
    fp = records_fingerprint(pledges, sections)
    embedder = embedder_named(settings.embedder, settings.index_dir / ".models")
    ml = multilingual_embedder() if settings.multilingual else None
    options = (settings.passage_sentences, settings.passage_stride)
    server = settings.chroma_url
    # what a start would compute from the whole index is computed now, once, and kept with the build
    hook = {"server": server, "derive": lambda built: derive(built, pledges, sections)}
    started = time.perf_counter()
    if force:
        path, rebuilt = build(settings.index_dir, pledges, sections, fp, embedder, ml, *options, **hook), True
    else:
        store, rebuilt = open_store(settings.index_dir, pledges, sections, fp, embedder, ml, *options, **hook)
        path = store.path
    verb = "built" if rebuilt else "up to date:"
    print(f"index {verb} {path} ({time.perf_counter() - started:.1f} s)")
    manifest = read_manifest(path)
    if rebuilt and manifest is not None:
        print(f"embedded {manifest.embedded} texts, reused {manifest.reused} vectors of the previous build")


def _filters(args: argparse.Namespace) -> Filters:
    return Filters.from_flags(args)


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    filters = _filters(args)
    bot = _load(settings)
    hits = bot.search(args.query, k=args.k, filters=filters)
    rows = []
    for n, (hit, rec) in enumerate(hits, 1):
        rows.append(
            {
                "rank": n,
                "id": hit.doc_id,
                "score": round(hit.score, 6),
                "dense": round(hit.dense, 4),
                "lexical": round(hit.lexical, 4),
                "submitter": rec.submitter,
                "country": rec.country,
                "year": rec.year,
                "pledge_type": rec.pledge_type,
                "title": rec.title,
            }
        )
    if args.json:
        print(json.dumps({"query": args.query, "hits": rows}, ensure_ascii=False))
    else:
        for r in rows:
            print(f"{r['rank']:>2}. {r['score']:.4f}  {r['submitter']} ({r['country']}, {r['year']}) — {r['title']}")
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    filters = _filters(args)
    if args.question == "-":
        return _ask_batch(args, settings, filters)
    bot = _load(settings)
    answer = bot.ask(args.question, filters=filters)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
    else:
        print(answer.text)
        if answer.route is not None:
            print(f"\n(how the question was read: {answer.route.summary()})")
        if answer.citations:
            print("\nSources:")
            for c in answer.citations:
                print(f"  [{c.n}] {c.id} — {c.source}")
    return 0


def _ask_batch(args: argparse.Namespace, settings: Settings, filters: Filters) -> int:
    """One question per stdin line, one JSON object per output line; models load once."""
    from .understand import MAX_CHARS

    bot = _load(settings)
    failures = 0
    for lineno, raw in enumerate(_lines(sys.stdin.buffer, 4 * MAX_CHARS + 2), 1):
        try:
            if raw is None:  # never held whole, never echoed
                msg = f"line {lineno} is over the {MAX_CHARS:,}-character limit"
                raise QuestionError(msg)
            question = raw.decode("utf-8").rstrip("\r\n")
            answer = bot.ask(question, filters=filters)
            out = answer.to_dict() | {"line": lineno}
        except UnicodeDecodeError as exc:
            failures += 1
            out = {"line": lineno, "error": f"line {lineno} is not valid UTF-8 (byte {exc.start + 1})"}
        except PledgeBotError as exc:  # QuestionError and friends: this line only
            failures += 1
            out = {"line": lineno, "error": str(exc)}
            if raw is not None:
                out["question"] = raw.decode("utf-8", "replace").rstrip("\r\n")[: MAX_CHARS + 1]
        print(json.dumps(out, ensure_ascii=False), flush=True)
    return 0 if failures == 0 else 3


def _lines(stream, limit: int):
    """The stream's lines as bytes, or None for a line longer than `limit` bytes (its rest is skipped unread
    into memory): a 50 MB line costs `limit` bytes at a time, not 50 MB."""
    while line := stream.readline(limit):
        if len(line) < limit or line.endswith(b"\n"):
            yield line
            continue
        while (rest := stream.readline(limit)) and not rest.endswith(b"\n"):
            pass
        yield None


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from .evals import main as eval_main

    first = tuple(args.first_run) if args.first_run else None
    return eval_main(
        settings, configs=args.configs, as_json=args.json, write=args.write, first=first, show_misses=args.misses
    )
