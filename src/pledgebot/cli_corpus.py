"""The corpus commands of `pledgebot`: `corpus build` (the report) and `ingest` (new pledges). Registered by
cli.py; printing only, the corpus package does the work."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from .config import Settings


def add_commands(sub, corpus_sub) -> None:
    build = corpus_sub.add_parser("build", help="parse the report and publish its records (corpus/CURRENT)")
    build.set_defaults(func=cmd_corpus_build)
    ingest = sub.add_parser(
        "ingest",
        help="add pledges from a CSV or JSONL file (the records' schema) or a report's text; merges by id",
        description="Check every row (an error names the file and line; nothing is written on failure), merge "
        "by id with the published records (a re-ingest changes nothing), publish them, and update the index: "
        "only new or changed texts are embedded.",
    )
    ingest.add_argument("file", type=Path, help=".csv or .jsonl of pledges, or a report's .txt or .pdf")
    ingest.add_argument("--no-index", action="store_true", help="publish the records; leave the index for later")
    ingest.set_defaults(func=cmd_ingest)


def _published(settings: Settings, strict: bool = True):
    """The published pledges and sections, or none yet (a first `corpus build` or `ingest`). Unless `strict`,
    unreadable records count as none: `corpus build` is how a damaged corpus is repaired."""
    from .corpus import read_pledges, read_sections
    from .corpus.jsonl import POINTER
    from .errors import CorpusError

    if not (settings.corpus_dir / POINTER).exists():
        return [], []
    try:
        folder = settings.records_dir()  # once: both files from the same published build
        return read_pledges(folder / "pledges.jsonl"), read_sections(folder / "sections.jsonl")
    except CorpusError as exc:
        if strict:
            raise
        print(f"the published records are unreadable ({exc}); only the report's are written")
        return [], []


def cmd_corpus_build(args: argparse.Namespace, settings: Settings) -> int:
    from .corpus import Corpus, parse_report, write_records
    from .corpus.ingest import replace_report

    corpus = parse_report(settings.report)
    old_pledges, old_sections = _published(settings, strict=False)
    # the report's records are replaced; pledges ingested from other sources stay
    pledges = replace_report(old_pledges, list(corpus.pledges))
    sections = replace_report(old_sections, list(corpus.sections))
    folder = write_records(Corpus(tuple(pledges), tuple(sections), corpus.priorities), settings.corpus_dir)
    print(f"wrote {len(corpus.pledges)} pledges from {settings.report.name} to {folder / 'pledges.jsonl'}")
    if kept := len(pledges) - len(corpus.pledges):
        print(f"kept {kept} pledges from other sources")
    print(f"wrote {len(corpus.sections)} sections to {folder / 'sections.jsonl'}")
    _counts("by year", Counter(p.year for p in corpus.pledges))
    _counts("by type", Counter(p.pledge_type or "— (2022 action)" for p in corpus.pledges))
    _counts("by region", Counter(p.region for p in corpus.pledges))
    return 0


def _counts(title: str, counts: Counter) -> None:
    print(f"{title}:")
    for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0]))):
        print(f"  {n:>3}  {key}")


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from .corpus import Corpus, parse_report, write_records
    from .corpus.ingest import keep_report_text, merge, read_table, replace_report
    from .errors import CorpusError

    path: Path = args.file
    if not path.is_file():
        raise CorpusError("no such file", path=path)
    old_pledges, old_sections = _published(settings)
    sections = old_sections
    if path.suffix.lower() == ".pdf":  # its text is kept beside the records: the records cite its lines
        from .corpus.pdf import save_pdf_text

        path = save_pdf_text(path, settings.corpus_dir)
        print(f"{args.file.name}: text extracted to {path}")
    if path.suffix.lower() == ".txt":  # a report of the layout the parser reads: its records replace its old ones
        corpus = parse_report(path)
        path = keep_report_text(path, settings.corpus_dir)
        incoming = list(corpus.pledges)
        pledges = replace_report(old_pledges, incoming)
        sections = replace_report(old_sections, list(corpus.sections))
        result = merge(old_pledges, incoming)
    else:
        result = merge(old_pledges, read_table(path))
        pledges = list(result.pledges)
    print(f"{path.name}: {len(result.added)} added, {len(result.changed)} changed, {len(result.unchanged)} unchanged")
    if result.added or result.changed or sections != old_sections or len(pledges) != len(old_pledges):
        folder = write_records(Corpus(tuple(pledges), tuple(sections), ()), settings.corpus_dir)
        print(f"published {len(pledges)} pledges in {folder}")
    else:
        from .corpus.jsonl import clean_leftovers

        clean_leftovers(settings.corpus_dir)  # a killed ingest's leftovers go all the same
        print("the corpus already holds these pledges: nothing written")
    if args.no_index:
        return 0
    from .cli_search import update_index

    update_index(settings, force=False)
    return 0
