"""Finding pledges for the Browse and Compare tabs: search, the table, the exports, the pledge labels."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..filters import Filters, apply_filters
from ..places import fold
from ..records import Pledge
from .html import join_values

TABLE_HEADERS = ["Year", "Submitter", "Country", "Type", "Priorities", "Title"]


def search_pledges(pledges: Sequence[Pledge], text: str = "", filters: Filters | None = None) -> list[Pledge]:
    """Pledges passing the filters whose submitter, title, description or country hold every search word."""
    kept = apply_filters(list(pledges), filters) if filters and not filters.is_empty() else list(pledges)
    words = fold(text or "").split()
    if not words:
        return kept

    def haystack(p: Pledge) -> str:
        return fold(" ".join([p.submitter, *p.aliases, p.title, p.description, p.country, *p.countries]))

    return [p for p in kept if all(w in haystack(p) for w in words)]


# -- the table ----------------------------------------------------------------------------------------------


def pledge_row(p: Pledge) -> list[Any]:
    return [
        p.year,
        p.submitter,
        join_values(p.countries or (p.country,)),
        p.pledge_type or "—",
        join_values(p.priorities),
        p.title,
    ]


def pledge_table(pledges: Sequence[Pledge]) -> pd.DataFrame:
    """The Browse table: one row per pledge (year, submitter and title identify it; the card shows the rest)."""
    return pd.DataFrame([pledge_row(p) for p in pledges], columns=TABLE_HEADERS)


def row_key(year: Any, submitter: Any, title: Any) -> tuple[str, str, str]:
    """What identifies a table row's pledge, whatever order the table is sorted in."""
    return (str(year), str(submitter), str(title))


# A header click selects the column; sorting is in its ⋮ menu (Gradio's table), so the hint says that.
HOW_TO = "Sort from a column's ⋮ menu; click a row to open the pledge."


def count_line(shown: int, total: int) -> str:
    if shown == total:
        return f"**{total} pledges** — all of them. {HOW_TO}"
    if shown == 0:
        return f"**No pledge matches** these filters (of {total}). Clear the search or set a filter to Any."
    return f"**{shown} of {total} pledges** match. {HOW_TO}"


# -- export ---------------------------------------------------------------------------------------------


def export_rows(pledges: Sequence[Pledge]) -> list[dict[str, Any]]:
    """Flat rows for CSV: one column per field, lists joined with "; "."""
    rows = []
    for p in pledges:
        data = p.to_dict()
        source = data.pop("source")
        quotes = data.pop("quotes")
        flat = {k: "; ".join(map(str, v)) if isinstance(v, list | tuple) else v for k, v in data.items()}
        flat["quotes"] = " | ".join(f"{q['text']} — {q['speaker']}" for q in quotes)
        flat |= {"section": source["section"], "line_start": source["line_start"], "line_end": source["line_end"]}
        rows.append(flat)
    return rows


def export_view(pledges: Sequence[Pledge], directory: Path) -> tuple[Path, Path]:
    """Write the pledges shown to CSV and JSON in `directory`; returns (csv_path, json_path).

    File names carry a hash of the content, so concurrent sessions exporting different views never
    overwrite each other's file, and the same view is written once.
    """
    directory.mkdir(parents=True, exist_ok=True)
    records = [p.to_dict() for p in pledges]
    json_text = json.dumps(records, ensure_ascii=False, indent=2)
    buffer = io.StringIO()
    fields = [f.name for f in dataclasses.fields(Pledge) if f.name not in ("source", "quotes")]
    writer = csv.DictWriter(
        buffer, fieldnames=[*fields, "quotes", "section", "line_start", "line_end"], lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows(export_rows(pledges))
    digest = hashlib.sha256(json_text.encode()).hexdigest()[:10]
    paths = []
    for suffix, content in ((".csv", buffer.getvalue()), (".json", json_text)):
        path = directory / f"pledges-{len(records)}-{digest}{suffix}"
        if not path.exists():
            tmp = path.with_suffix(suffix + ".tmp")
            tmp.write_text(content, encoding="utf-8")
            tmp.replace(path)  # atomic: a concurrent download never sees half a file
        paths.append(path)
    return paths[0], paths[1]


# -- pledge labels (Compare) ------------------------------------------------------------------------------


def pledge_label(p: Pledge) -> str:
    return f"{p.submitter} — {p.title}"


def pledge_labels(pledges: Sequence[Pledge]) -> dict[str, str]:
    """Dropdown label -> pledge id, labels made unique with the year where needed."""
    out: dict[str, str] = {}
    for p in sorted(pledges, key=lambda p: (fold(p.submitter), -p.year, fold(p.title))):
        label = pledge_label(p)
        if label in out:
            label = f"{label} ({p.year})"
        out[label] = p.id
    return out


def resolve_pledge(value: str, pledges: Sequence[Pledge], labels: dict[str, str]) -> Pledge | None:
    """The pledge a Compare input names: its dropdown label, its id, or its submitter (first pledge)."""
    by_id = {p.id: p for p in pledges}
    text = (value or "").strip()
    if text in labels:
        return by_id.get(labels[text])
    if text in by_id:
        return by_id[text]
    key = fold(text)
    for p in sorted(pledges, key=lambda p: -p.year):
        if key and key in {fold(p.submitter), *(fold(a) for a in p.aliases)}:
            return p
    return None
