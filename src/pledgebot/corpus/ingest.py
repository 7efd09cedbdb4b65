"""New pledges into the corpus: rows of a CSV or JSONL file in the records' schema, or a report's records,
checked and merged by id with the records already published.

Every row is checked before anything is written, and an error names the file and the line of the row; a
re-ingest of the same file changes nothing. A table row's citation is its own line in that file (the
record's `source.file`), so an ingested pledge is as traceable as one parsed from a report.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, TypeVar

from ..errors import CorpusError
from ..fileio import atomic_write_text
from ..records import PLEDGE_TYPES, REGIONS, SUBMITTER_KINDS, Pledge, Quote, Section, Source

REQUIRED = ("id", "report", "year", "submitter", "submitter_kind", "country", "region", "title", "description")
LISTS = {"countries": str, "aliases": str, "priorities": int, "gcm_objectives": int, "gcr_focus_areas": str, "sdgs": int}
INTS = ("year", "start_year", "end_year")
BOOLS = ("ongoing", "priorities_inferred", "gcf_supported")
TRUE, FALSE = {"true", "yes", "1", "y"}, {"false", "no", "0", "n", ""}
R = TypeVar("R", Pledge, Section)
CSV_SEPARATOR = ";"  # between the values of a list column ("3;5")


@dataclass(frozen=True)
class Merge:
    """The records after merging, and what changed."""

    pledges: tuple[Pledge, ...]
    added: tuple[str, ...]
    changed: tuple[str, ...]
    unchanged: tuple[str, ...]


def read_table(path: Path) -> list[Pledge]:
    """The pledges in a .csv or .jsonl file, every row checked; CorpusError names the file and line."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".jsonl"):
        raise CorpusError("ingest reads .csv or .jsonl pledges, or a report's .txt or .pdf", path=path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise CorpusError("the file is not valid UTF-8", path=path) from None
    rows = _csv_rows(text, path) if suffix == ".csv" else _jsonl_rows(text, path)
    if not rows:
        raise CorpusError("the file holds no pledges", path=path)
    pledges, seen = [], {}
    for (line, last), row in rows:
        pledge = _pledge(row, path, line, last)
        if pledge.id in seen:
            raise CorpusError(f"id {pledge.id!r} is used again (first on line {seen[pledge.id]})", path=path, line=line)
        seen[pledge.id] = line
        pledges.append(pledge)
    return pledges


def _csv_rows(text: str, path: Path) -> list[tuple[tuple[int, int], dict[str, Any]]]:
    lines = text.splitlines(keepends=True)
    reader = csv.DictReader(lines)
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or ())]
    if missing:
        raise CorpusError(f"the header lacks the column(s) {', '.join(missing)}", path=path, line=1)
    unknown = sorted(set(reader.fieldnames or ()) - {f.name for f in fields(Pledge)})
    if unknown:
        raise CorpusError(f"unknown column(s) {', '.join(unknown)}", path=path, line=1)
    rows, after = [], 1
    for row in reader:
        if None in row:  # more cells than the header has columns
            raise CorpusError("the row has more cells than the header", path=path, line=reader.line_num)
        first = after + 1
        while first < reader.line_num and not lines[first - 1].strip():  # the reader skips blank lines
            first += 1
        if any((v or "").strip() for v in row.values()):  # a quoted cell may span lines: the row's first to last
            rows.append(((first, reader.line_num), {k: _cell(k, v or "") for k, v in row.items()}))
        after = reader.line_num
    return rows


def _cell(column: str, value: str) -> Any:
    """A CSV cell as the JSON value the records' schema has (lists split on ';', empty optional -> None)."""
    value = value.strip()
    if column in LISTS:
        return [v.strip() for v in value.split(CSV_SEPARATOR) if v.strip()]
    if column == "quotes":
        return json.loads(value) if value else []
    return value if value or column in REQUIRED or column in BOOLS else None


def _jsonl_rows(text: str, path: Path) -> list[tuple[tuple[int, int], dict[str, Any]]]:
    rows = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"not a JSON object: {exc.msg}", path=path, line=n) from None
        if not isinstance(row, dict):
            raise CorpusError("not a JSON object", path=path, line=n)
        rows.append(((n, n), row))
    return rows


def _pledge(row: dict[str, Any], path: Path, line: int, last: int) -> Pledge:
    """One row as a Pledge, or a CorpusError saying which field is wrong and why."""
    def fail(msg: str) -> CorpusError:
        return CorpusError(msg, path=path, line=line)

    unknown = sorted(set(row) - {f.name for f in fields(Pledge)})
    if unknown:
        raise fail(f"unknown field(s) {', '.join(unknown)}")
    missing = [k for k in REQUIRED if row.get(k) in (None, "")]
    if missing:
        raise fail(f"empty or missing field(s) {', '.join(missing)}")
    values = dict(row)
    try:
        for name in INTS:
            if values.get(name) not in (None, ""):
                values[name] = _int(values[name])
        for name, kind in LISTS.items():
            values[name] = tuple(kind(v) if kind is str else _int(v) for v in values.get(name) or ())
        for name in BOOLS:
            values[name] = _bool(values.get(name, False))
        values["quotes"] = tuple(Quote(**q) for q in values.get("quotes") or ())
    except (ValueError, TypeError) as exc:
        raise fail(str(exc)) from None
    src = values.get("source")
    # a table row cites its own line; a record carried over from a parsed report keeps its report lines
    values["source"] = Source(**src) if isinstance(src, dict) else Source("", line, last, file=path.name)
    for name in ("id", "report", "submitter", "country", "title", "description"):
        values[name] = str(values[name]).strip()
    pledge = Pledge(**values)
    if problem := _problem(pledge):
        raise fail(problem)
    return pledge


def _int(value: Any) -> int:
    if isinstance(value, bool) or not str(value).strip().lstrip("-").isdigit():
        raise ValueError(f"{value!r} is not a whole number")
    return int(value)


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text not in TRUE | FALSE:
        raise ValueError(f"{value!r} is not true or false")
    return text in TRUE


def _problem(p: Pledge) -> str | None:
    """What makes a pledge unusable, or None. Unknown places are fine: the gazetteer only enriches."""
    checks = [
        (any(c.isspace() for c in p.id), f"id {p.id!r} holds a space"),
        (not 1900 <= p.year <= 2100, f"year {p.year} is not a year"),
        (p.region not in REGIONS, f"region {p.region!r} is not one of: {', '.join(REGIONS)}"),
        (p.submitter_kind not in SUBMITTER_KINDS, f"submitter_kind {p.submitter_kind!r} is not one of: {', '.join(SUBMITTER_KINDS)}"),
        (p.pledge_type not in (None, *PLEDGE_TYPES), f"pledge_type {p.pledge_type!r} is not one of: {', '.join(PLEDGE_TYPES)}"),
        (any(not 1 <= n <= 8 for n in p.priorities), f"priorities {list(p.priorities)} are not among 1-8"),
        (p.start_year is not None and p.end_year is not None and p.end_year < p.start_year, "end_year is before start_year"),
    ]
    return next((msg for bad, msg in checks if bad), None)


def merge(existing: list[Pledge], incoming: list[Pledge]) -> Merge:
    """`existing` with `incoming` merged by id: a new id is added, a known id with other content replaces
    its record in place. An id may not move to another report: ids are unique across editions."""
    by_id = {p.id: p for p in existing}
    for p in incoming:
        old = by_id.get(p.id)
        if old is not None and old.report != p.report:
            msg = f"id {p.id!r} already belongs to report {old.report!r}, not {p.report!r}"
            raise CorpusError(msg)
    added = tuple(p.id for p in incoming if p.id not in by_id)
    changed = tuple(p.id for p in incoming if p.id in by_id and by_id[p.id] != p)
    unchanged = tuple(p.id for p in incoming if by_id.get(p.id) == p)
    new = {p.id: p for p in incoming}
    pledges = tuple(new.get(p.id, p) for p in existing) + tuple(p for p in incoming if p.id in added)
    return Merge(pledges, added, changed, unchanged)


def replace_report(existing: list[R], parsed: list[R]) -> list[R]:
    """A report's freshly parsed records (pledges or sections) in place of its old ones; other editions' and
    ingested records stay. Records naming no edition were written by `corpus build` before records knew
    their report, so they are the parsed report's old records too."""
    editions = {p.report for p in parsed}
    ids = {p.id for p in parsed}
    kept = [p for p in existing if p.report and p.report not in editions and p.id not in ids]
    return [*parsed, *kept]


def keep_report_text(path: Path, folder: Path) -> Path:
    """A parsed report's text, kept (atomically) in `folder` beside the records, where its citations' lines
    are read (a text of the same name is replaced: its records are too)."""
    target = folder / path.name
    if target.exists() and target.resolve() == path.resolve():
        return target
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_text(target, path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CorpusError(f"cannot keep the report's text beside the records: {exc}", path=target) from None
    return target
