"""The `pledgebot` command: argument parsing and printing only; the library does the work."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from .config import Settings, entry_environment, entry_logging
from .errors import PledgeBotError, describe_os_error
from .records import Pledge


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    entry_environment()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["serve"]:  # the app parses its own flags
        from .app.serve import launch

        launch(argv[1:])
        return 0
    entry_logging("pledgebot: %(message)s")
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        settings = Settings.from_env()
        return args.func(args, settings) or 0
    except PledgeBotError as exc:
        print(f"pledgebot: error: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:  # bad settings
        print(f"pledgebot: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `pledgebot pledges | head`: the reader left; nothing to report
        sys.stderr.close()
        return 0
    except OSError as exc:  # a read-only or full disk: what and where, not a traceback
        print(f"pledgebot: error: {describe_os_error(exc)}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pledgebot", description="Cited answers about local pledges for migrants and refugees (the Call to Local Action reports)."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(title="commands")
    sub.add_parser("serve", help="serve the app (--host, --port; see `pledgebot serve --help`)")

    corpus = sub.add_parser("corpus", help="parse the report into records")
    corpus_sub = corpus.add_subparsers(title="corpus commands")
    from . import cli_corpus, cli_search  # the other commands live beside, to keep this file small

    cli_corpus.add_commands(sub, corpus_sub)

    pledges = sub.add_parser("pledges", help="list pledge records")
    _filter_flags(pledges)
    pledges.add_argument("--json", action="store_true", help="JSON Lines, one record per line")
    pledges.set_defaults(func=cmd_pledges)

    cli_search.add_commands(sub, _filter_flags)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pledgebot")
    except PackageNotFoundError:
        return "unknown (not installed)"


def _filter_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--country", help="country (any spelling: 'Türkiye', 'Turkey', 'US')")
    p.add_argument("--region", help="region: Africa, Asia-Pacific, Europe, Latin America and the Caribbean, ...")
    p.add_argument("--year", type=int, help="only records of this year (in the 2023 report: 2023 submissions, 2022 actions)")
    p.add_argument("--type", dest="pledge_type", help="pledge type: Mirror, GCM only, GCR only, IDP")
    p.add_argument("--kind", help="submitter kind: city, region, organization, national government")
    p.add_argument("--priority", type=int, choices=range(1, 9), metavar="1-8", help="one of the eight priorities")


def cmd_pledges(args: argparse.Namespace, settings: Settings) -> int:
    from .corpus import read_pledges
    from .filters import Filters, apply_filters

    pledges = read_pledges(settings.pledges_path)
    filters = Filters.from_flags(args)
    selected = apply_filters(pledges, filters)
    if args.json:
        for p in selected:
            print(json.dumps(p.to_dict(), ensure_ascii=False))
        return 0
    print(_table(selected))
    print(f"\n{len(selected)} of {len(pledges)} pledges")
    return 0


def _table(pledges: list[Pledge]) -> str:
    rows = [("YEAR", "SUBMITTER", "COUNTRY", "TYPE", "TITLE")]
    for p in pledges:
        title = p.title if len(p.title) <= 70 else p.title[:69] + "…"
        rows.append((str(p.year), p.submitter, p.country, p.pledge_type or "—", title))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True)) + "  " + r[4] for r in rows)


if __name__ == "__main__":
    sys.exit(main())
