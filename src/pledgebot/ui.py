"""The Gradio app: ask with visible sources, browse and export, compare pledges, overview charts and map.

`build_app(bot)` lays out the page from a loaded `PledgeBot`; `serve(app, settings)` launches it with the
app's CSS, the configured address and the optional login; `launch()` (what `app.py` calls) does both.
Nothing here retrieves or ranks: the handlers call the library and turn its records into HTML, tables
and figures. The pure helpers (cards, highlighting, filtering, export) are unit-tested on their own.
"""

from __future__ import annotations

import os

# Gradio reads this at import time; set it before the import so the app never phones home.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

import argparse  # noqa: E402
import atexit  # noqa: E402
import csv  # noqa: E402
import dataclasses  # noqa: E402
import hashlib  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from html import escape  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING, Any  # noqa: E402

import gradio as gr  # noqa: E402
import pandas as pd  # noqa: E402
import plotly.graph_objects as go  # noqa: E402

from .charts import MapPoint, count_bar, world_map, world_source, year_bar  # noqa: E402
from .config import Settings  # noqa: E402
from .errors import PledgeBotError, QuestionError  # noqa: E402
from .filters import Filters, apply_filters, normalise  # noqa: E402
from .places import Gazetteer, default_gazetteer, fold  # noqa: E402
from .records import PLEDGE_TYPES, REGIONS, Answer, Citation, Pledge, Section  # noqa: E402

if TYPE_CHECKING:
    from .pipeline import PledgeBot, Similar

log = logging.getLogger(__name__)

ANY = "Any"
EMPTY_SOURCES = "Sources for the answer appear here"
EMPTY_CARD = "Select a row in the table to read the whole pledge here."
NO_TYPE = "No type (2022 actions)"
TITLE = "PledgeBot"
TAGLINE = (
    "Ask about the 2023 report *Localizing the Global Compacts*: what cities and regions pledged for migrants "
    "and refugees. Every answer quotes the pledges word for word and says where in the report they stand."
)
EXAMPLES: dict[str, list[str]] = {
    "For mayors' staff": [
        "Which cities run one-stop shops for Overseas Filipino Workers?",
        "What are Greek cities doing on integration?",
    ],
    "For journalists": [
        "List all pledges from Argentina",
        "How many mirror pledges are there?",
    ],
    "For peer-learning facilitators": [
        "Which cities are doing something comparable to Milan's early-childhood project?",
    ],
}
TABLE_HEADERS = ["Year", "Submitter", "Country", "Type", "Priorities", "Title"]
FILTER_LABELS = {
    "countries": "country",
    "regions": "region",
    "submitters": "submitter",
    "year": "year",
    "pledge_types": "pledge type",
    "kinds": "submitter kind",
    "priority": "priority",
    "start_year": "starting",
    "end_year": "running until",
    "gcf_supported": "Global Cities Fund",
}
_MACHINE_NOTE = re.compile(r"^[a-z][a-z-]*:")  # the pipeline's internal notes ("no-place:X") are not for users

CSS = """
#pb-header h1 { margin-bottom: 0.1em; }
#pb-header p { margin-top: 0; color: var(--body-text-color-subdued); }
.pb-empty { color: var(--body-text-color-subdued); padding: 1.5em 1em; text-align: center;
  border: 1px dashed var(--border-color-primary); border-radius: 8px; }
.pb-card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 0.7em 0.9em;
  margin-bottom: 0.8em; background: var(--background-fill-primary); }
.pb-head { display: flex; gap: 0.5em; align-items: baseline; flex-wrap: wrap; }
.pb-n { display: inline-block; min-width: 1.6em; text-align: center; border-radius: 4px; font-weight: 600;
  background: var(--color-accent-soft); color: var(--body-text-color); }
.pb-meta { color: var(--body-text-color-subdued); font-size: 0.9em; }
.pb-title { font-style: italic; margin: 0.25em 0 0.4em; }
.pb-text { white-space: pre-line; max-height: 13em; overflow-y: auto; position: relative; font-size: 0.92em;
  line-height: 1.45; padding: 0.4em 0.6em; border-radius: 6px; background: var(--background-fill-secondary); }
.pb-text.pb-full { max-height: none; }
.pb-text mark { background: #ffe27a; color: #1a1a1a; padding: 0 1px; border-radius: 2px; }
.pb-foot { display: flex; justify-content: space-between; align-items: center; gap: 0.5em; flex-wrap: wrap;
  margin-top: 0.45em; font-size: 0.85em; color: var(--body-text-color-subdued); }
.pb-copy { border: 1px solid var(--border-color-primary); border-radius: 5px; padding: 0.15em 0.6em;
  background: var(--button-secondary-background-fill); cursor: pointer; font-size: 0.95em; }
.pb-fields { display: grid; grid-template-columns: max-content 1fr; gap: 0.2em 0.9em; font-size: 0.92em;
  margin: 0.4em 0 0.7em; }
.pb-fields dt { color: var(--body-text-color-subdued); }
.pb-fields dd { margin: 0; }
.pb-quote { border-left: 3px solid var(--color-accent); margin: 0.6em 0; padding: 0.1em 0.8em; }
.pb-bar { display: inline-block; height: 0.55em; border-radius: 3px; background: var(--color-accent);
  vertical-align: middle; margin-left: 0.4em; }
.pb-pair { display: grid; grid-template-columns: 1fr 1fr; gap: 0.6em; margin-top: 0.5em; }
@media (max-width: 640px) { .pb-pair { grid-template-columns: 1fr; } }
#pb-table { --font-mono: var(--font); }  /* the table reads as text, not code */
.pb-pair blockquote { margin: 0 !important; padding: 0.4em 0.6em; border-radius: 6px; font-size: 0.92em;
  background: var(--background-fill-secondary); }
.pb-pair .pb-who { display: block; font-size: 0.85em; color: var(--body-text-color-subdued); margin-bottom: 0.2em; }
#pb-implied p { font-size: 0.9em; color: var(--body-text-color-subdued); margin: 0; }
"""

# One listener on the sources panel (event delegation), because its cards are replaced on every answer.
# `watch` re-runs after each new answer and scrolls every description to its highlighted quote.
SOURCES_JS = """
element.addEventListener('click', (event) => {
  const button = event.target.closest('button.pb-copy');
  if (!button) return;
  const done = () => { button.textContent = 'Copied'; setTimeout(() => { button.textContent = 'Copy quote'; }, 1500); };
  try { navigator.clipboard.writeText(button.dataset.quote).then(done, () => {}); } catch (e) { /* no clipboard */ }
});
const scrollToQuotes = () => {
  element.querySelectorAll('.pb-text').forEach((box) => {
    const mark = box.querySelector('mark');
    if (mark) box.scrollTop = Math.max(0, mark.offsetTop - 24);
  });
};
if (typeof watch === 'function') watch('value', scrollToQuotes);
scrollToQuotes();
"""


# -- choices and filters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choices:
    """The values the filter dropdowns offer, taken from the records ("Any" first)."""

    years: tuple[str, ...]
    regions: tuple[str, ...]
    countries: tuple[str, ...]
    pledge_types: tuple[str, ...]
    priorities: tuple[str, ...]


def priority_names(records: dict[str, Pledge | Section]) -> dict[int, str]:
    """The eight Call to Local Action priorities by number, read from the report's spotlight section."""
    names = {}
    for n in range(1, 9):
        section = records.get(f"section-priority-{n}")
        heading = section.heading[-1] if isinstance(section, Section) else ""
        names[n] = re.sub(r"^\s*\d+\.\s*", "", heading) or f"Priority {n}"
    return names


def filter_choices(pledges: Sequence[Pledge], names: dict[int, str]) -> Choices:
    """Dropdown values for year, region, country, pledge type and priority, in a sensible order."""
    countries = {c for p in pledges for c in (p.countries or (p.country,))} - {"Global", ""}
    regions = {p.region for p in pledges}
    types = {p.pledge_type for p in pledges if p.pledge_type}
    return Choices(
        years=(ANY, *[str(y) for y in sorted({p.year for p in pledges}, reverse=True)]),
        regions=(ANY, *[r for r in REGIONS if r in regions], *sorted(regions - set(REGIONS))),
        countries=(ANY, *sorted(countries, key=fold)),
        pledge_types=(ANY, *[t for t in PLEDGE_TYPES if t in types]),
        priorities=(ANY, *[f"{n}. {name}" for n, name in sorted(names.items())]),
    )


def _chosen(value: Any) -> str | None:
    """A dropdown value, or None for "Any" / nothing."""
    if value is None:
        return None
    text = str(value).strip()
    return None if not text or text == ANY else text


def filters_from_controls(
    year: Any = None,
    region: Any = None,
    country: Any = None,
    pledge_type: Any = None,
    priority: Any = None,
) -> Filters:
    """The Filters the dropdowns describe; QuestionError names any value the library does not know."""
    year_text, priority_text = _chosen(year), _chosen(priority)
    year_value = None
    if year_text is not None:
        try:
            year_value = int(year_text)
        except ValueError:
            msg = f"year must be 2022 or 2023, got {year_text!r}"
            raise QuestionError(msg) from None
    priority_value = None
    if priority_text is not None:
        m = re.match(r"\s*(\d+)", priority_text)
        if not m:
            msg = f"unknown priority {priority_text!r}; choose one of the eight listed"
            raise QuestionError(msg)
        priority_value = int(m.group(1))
    return normalise(
        country=_chosen(country),
        region=_chosen(region),
        year=year_value,
        pledge_type=_chosen(pledge_type),
        priority=priority_value,
    )


def describe_filters(filters: dict[str, Any]) -> str:
    """Filters as a short readable phrase: "country Greece · year 2023"."""
    parts = []
    values = dict(filters)
    if label := values.pop("place_label", None):
        values.pop("countries", None)
        values.pop("regions", None)
        parts.append(f"place {label}")
    for key, value in values.items():
        if value in (None, (), [], ""):
            continue
        name = FILTER_LABELS.get(key, key.replace("_", " "))
        if value is True:
            parts.append(name)
            continue
        items = [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
        shown = ", ".join(items[:4]) + (f" and {len(items) - 4} more" if len(items) > 4 else "")
        parts.append(f"{name} {shown}")
    return " · ".join(parts)


def filters_line(answer: Answer, explicit: Filters) -> str:
    """Which filters the question itself implied, and which were set with the controls."""
    set_here = explicit.to_dict()
    implied = {k: v for k, v in answer.filters.items() if set_here.get(k) != v}
    lines = [
        f"**Filters your question implied:** {describe_filters(implied)}"
        if describe_filters(implied)
        else "**Filters your question implied:** none"
    ]
    if set_here:
        lines.append(f"**Filters you set:** {describe_filters(set_here)}")
    notes = [n for n in answer.notes if not _MACHINE_NOTE.match(n) and n not in answer.text]
    lines += [f"*{n}*" for n in notes]
    return "  \n".join(lines)


# -- ask: chat history and the sources panel ----------------------------------------------------------


def _message_text(content: Any) -> str:
    """The text of a chat message, whether Gradio hands it over as a string or as a list of parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text", ""))
    if isinstance(content, list | tuple):
        return " ".join(_message_text(part) for part in content).strip()
    return ""


def previous_questions(messages: Sequence[dict[str, Any]] | None) -> list[str]:
    """The user's earlier questions in this conversation: the pipeline reads follow-ups against them."""
    return [
        text
        for m in messages or []
        if isinstance(m, dict) and m.get("role") == "user" and (text := _message_text(m.get("content")).strip())
    ]


def highlight(text: str, excerpt: str) -> str:
    """`text` as escaped HTML with each piece of `excerpt` (pieces joined by " … ") wrapped in <mark>.

    Pieces are verbatim substrings of the text; if one is not found exactly (whitespace differs), a
    whitespace-tolerant match is tried, and a piece that still is not found is simply not marked.
    """
    spans: list[tuple[int, int]] = []
    for piece in (p.strip() for p in excerpt.split(" … ")):
        if not piece:
            continue
        start = text.find(piece)
        if start >= 0:
            spans.append((start, start + len(piece)))
            continue
        pattern = r"\s+".join(re.escape(w) for w in piece.split())
        if m := re.search(pattern, text):
            spans.append(m.span())
    spans.sort()
    out, pos = [], 0
    for start, end in spans:
        if start < pos:  # overlapping pieces: the first one already covers this
            continue
        out += [escape(text[pos:start]), "<mark>", escape(text[start:end]), "</mark>"]
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


def _record_text(record: Pledge | Section | None) -> str:
    if isinstance(record, Pledge):
        return record.description
    if isinstance(record, Section):
        return record.text
    return ""


def _lines(source: Any) -> str:
    return f"{source.section}, lines {source.line_start}–{source.line_end}"


def quote_for_copy(c: Citation) -> str:
    """The excerpt with its attribution, ready to paste into an article or a briefing."""
    who = f"{c.submitter}, “{c.title}”" if c.submitter else f"“{c.title}”"
    return (
        f"“{c.excerpt}” — {who} (Localizing the Global Compacts, 2023; lines {c.source.line_start}–{c.source.line_end})"
    )


def citation_card(c: Citation, record: Pledge | Section | None) -> str:
    """One source card: who, where, the excerpt highlighted inside the full text, its place in the report."""
    if c.kind == "pledge":
        kind = c.pledge_type or ("2022 action" if c.year == 2022 else "")
        meta = " · ".join(escape(str(x)) for x in (c.country, c.year, kind) if x)
        head = f"<strong>{escape(c.submitter or '')}</strong><span class='pb-meta'>{meta}</span>"
    else:
        head = "<strong>From the report</strong><span class='pb-meta'>narrative section</span>"
    text = _record_text(record)
    body = highlight(text, c.excerpt) if text else f"<mark>{escape(c.excerpt)}</mark>"
    return (
        f"<div class='pb-card' id='pb-source-{c.n}'>"
        f"<div class='pb-head'><span class='pb-n'>{c.n}</span>{head}</div>"
        f"<div class='pb-title'>{escape(c.title)}</div>"
        f"<div class='pb-text'>{body}</div>"
        f"<div class='pb-foot'><span>{escape(_lines(c.source))}</span>"
        f"<button type='button' class='pb-copy' data-quote='{escape(quote_for_copy(c), quote=True)}'>Copy quote</button>"
        "</div></div>"
    )


def empty_html(message: str) -> str:
    return f"<div class='pb-empty'>{escape(message)}</div>"


def sources_html(answer: Answer | None, records: dict[str, Pledge | Section]) -> str:
    """The sources panel for an answer: one card per citation, or the empty state."""
    if answer is None or not answer.citations:
        if answer is not None and answer.abstained:
            return empty_html("No source answers this question, so none is shown.")
        return empty_html(EMPTY_SOURCES)
    cards = [citation_card(c, records.get(c.id)) for c in answer.citations]
    return "<div class='pb-sources'>" + "".join(cards) + "</div>"


# -- browse: pledge cards, search, table, export -----------------------------------------------------


def _join(values: Sequence[Any]) -> str:
    return ", ".join(str(v) for v in values)


def pledge_card(p: Pledge, names: dict[int, str]) -> str:
    """Every field of a pledge as HTML (all text escaped): facts, full description, quotes, source lines."""
    priorities = "; ".join(f"{n}. {names.get(n, '')}".strip() for n in p.priorities)
    if priorities and p.priorities_inferred:
        priorities += " (inferred from the text; the report does not list them)"
    years = ""
    if p.start_year or p.end_year or p.ongoing:
        years = f"{p.start_year or '?'}–{'ongoing' if p.ongoing else p.end_year or '?'}"
    fields = [
        ("Submitter", f"{p.submitter} ({p.submitter_kind})"),
        ("Country", _join(p.countries or (p.country,))),
        ("Region", p.region),
        ("Year", f"{p.year} ({'pledge submitted in 2023' if p.year == 2023 else 'highlighted 2022 action'})"),
        ("Pledge type", p.pledge_type or ""),
        ("Mayor", p.mayor or ""),
        ("Also known as", _join(p.aliases)),
        ("Duration", p.duration or ""),
        ("Years", years),
        ("Priorities", priorities),
        ("GCM objectives", _join(p.gcm_objectives)),
        ("GCR focus areas", _join(p.gcr_focus_areas)),
        ("SDGs", _join(p.sdgs)),
        ("Joint with", p.joint_with or ""),
        ("Global Cities Fund", "supported" if p.gcf_supported else ""),
        ("Record id", p.id),
    ]
    rows = "".join(f"<dt>{escape(k)}</dt><dd>{escape(str(v))}</dd>" for k, v in fields if v)
    quotes = "".join(
        f"<blockquote class='pb-quote'>“{escape(q.text)}”<br><span class='pb-meta'>— {escape(q.speaker)}"
        f"{', ' + escape(q.role) if q.role else ''}</span></blockquote>"
        for q in p.quotes
    )
    return (
        f"<div class='pb-card'><h3 style='margin:0.2em 0'>{escape(p.title)}</h3>"
        f"<dl class='pb-fields'>{rows}</dl>"
        f"<div class='pb-text pb-full'>{escape(p.description)}</div>{quotes}"
        f"<div class='pb-foot'><span>In the report: {escape(_lines(p.source))}</span></div></div>"
    )


def search_pledges(pledges: Sequence[Pledge], text: str = "", filters: Filters | None = None) -> list[Pledge]:
    """Pledges passing the filters whose submitter, title, description or country hold every search word."""
    kept = apply_filters(list(pledges), filters) if filters and not filters.is_empty() else list(pledges)
    words = fold(text or "").split()
    if not words:
        return kept

    def haystack(p: Pledge) -> str:
        return fold(" ".join([p.submitter, *p.aliases, p.title, p.description, p.country, *p.countries]))

    return [p for p in kept if all(w in haystack(p) for w in words)]


def pledge_row(p: Pledge) -> list[Any]:
    return [
        p.year,
        p.submitter,
        _join(p.countries or (p.country,)),
        p.pledge_type or "—",
        _join(p.priorities),
        p.title,
    ]


def pledge_table(pledges: Sequence[Pledge]) -> pd.DataFrame:
    """The Browse table: one row per pledge (year, submitter and title identify it; the card shows the rest)."""
    return pd.DataFrame([pledge_row(p) for p in pledges], columns=TABLE_HEADERS)


def _row_key(year: Any, submitter: Any, title: Any) -> tuple[str, str, str]:
    return (str(year), str(submitter), str(title))


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


def count_line(shown: int, total: int) -> str:
    if shown == total:
        return f"**{total} pledges** — all of them. Click a column header to sort, a row to open the pledge."
    if shown == 0:
        return f"**No pledge matches** these filters (of {total}). Clear the search or set a filter to Any."
    return f"**{shown} of {total} pledges** match. Click a column header to sort, a row to open the pledge."


# -- compare --------------------------------------------------------------------------------------------


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


def similar_html(anchor: Pledge, similar: Sequence[Similar], names: dict[int, str]) -> str:
    """The anchor pledge and the comparable ones, each with similarity, shared priorities and sentence pair."""
    head = (
        f"<div class='pb-card'><div class='pb-head'><strong>{escape(anchor.submitter)}</strong>"
        f"<span class='pb-meta'>{escape(anchor.country)} · {anchor.year} · {escape(anchor.pledge_type or '2022 action')}"
        f"</span></div><div class='pb-title'>{escape(anchor.title)}</div>"
        f"<div class='pb-meta'>Priorities: {escape(_priority_text(anchor.priorities, names) or 'none listed')}</div>"
        "</div>"
    )
    if not similar:
        return head + empty_html("No comparable pledge from another submitter was found.")
    cards = []
    for n, s in enumerate(similar, 1):
        p = s.pledge
        shared = _priority_text(s.shared_priorities, names) or "none"
        width = max(4, round(80 * max(0.0, min(1.0, s.similarity))))
        pair = ""
        if s.sentence or s.anchor_sentence:
            pair = (
                "<div class='pb-pair'>"
                f"<blockquote><span class='pb-who'>{escape(anchor.submitter)}</span>{escape(s.anchor_sentence)}</blockquote>"
                f"<blockquote><span class='pb-who'>{escape(p.submitter)}</span>{escape(s.sentence)}</blockquote>"
                "</div>"
            )
        cards.append(
            f"<div class='pb-card'><div class='pb-head'><span class='pb-n'>{n}</span>"
            f"<strong>{escape(p.submitter)}</strong><span class='pb-meta'>{escape(_join(p.countries or (p.country,)))}"
            f" · {p.year} · {escape(p.pledge_type or '2022 action')}</span></div>"
            f"<div class='pb-title'>{escape(p.title)}</div>"
            f"<div class='pb-meta'>Similarity {s.similarity:.2f}<span class='pb-bar' style='width:{width}px'></span>"
            f" · Shared priorities: {escape(shared)}</div>{pair}"
            f"<div class='pb-foot'><span>{escape(_lines(p.source))}</span></div></div>"
        )
    intro = (
        f"<p class='pb-meta'>The {len(similar)} pledges from other submitters closest in meaning, with the pair of "
        "sentences that are most alike.</p>"
    )
    return head + intro + "".join(cards)


def _priority_text(numbers: Sequence[int], names: dict[int, str]) -> str:
    return "; ".join(f"{n}. {names.get(n, '')}".strip() for n in numbers)


# -- overview ---------------------------------------------------------------------------------------------


def map_points(pledges: Sequence[Pledge], gazetteer: Gazetteer | None = None) -> list[MapPoint]:
    """One point per submitter with coordinates, sized by its pledges, titles as hover text."""
    gaz = gazetteer or default_gazetteer()
    by_submitter: dict[str, list[Pledge]] = {}
    for p in pledges:
        by_submitter.setdefault(p.submitter, []).append(p)
    points = []
    for name, items in by_submitter.items():
        place = gaz.submitter(name)
        if place is None or place.lat is None or place.lon is None:
            continue
        titles = "<br>".join(escape(_short(p.title, 70)) for p in items)
        points.append(MapPoint(name, items[0].country, place.lat, place.lon, len(items), titles))
    return points


def _short(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def overview_figures(
    pledges: Sequence[Pledge], names: dict[int, str], gazetteer: Gazetteer | None = None
) -> tuple[go.Figure, go.Figure, go.Figure, go.Figure, go.Figure]:
    """(world map, by region, by pledge type, by priority, by year) for the given pledges."""
    regions = Counter(p.region for p in pledges)
    types = Counter(p.pledge_type or NO_TYPE for p in pledges)
    labels = {n: _short(f"{n}. {name}", 42) for n, name in names.items()}
    priorities = Counter(labels.get(n, str(n)) for p in pledges for n in p.priorities)
    years = Counter(p.year for p in pledges)
    return (
        world_map(map_points(pledges, gazetteer)),
        count_bar(dict(regions), "Pledges by region", order=[r for r in REGIONS if r in regions]),
        count_bar(dict(types), "Pledges by type", order=[*PLEDGE_TYPES, NO_TYPE]),
        count_bar(dict(priorities), "Pledges by priority", order=[labels[n] for n in sorted(labels)]),
        year_bar(dict(years)),
    )


def overview_note(pledges: Sequence[Pledge], total: int, gazetteer: Gazetteer | None = None) -> str:
    shown = len(pledges)
    scope = "all pledges" if shown == total else f"{shown} of {total} pledges (the Browse tab's filters)"
    inferred = sum(p.priorities_inferred for p in pledges)
    mapped = len(map_points(pledges, gazetteer))
    submitters = len({p.submitter for p in pledges})
    parts = [f"Showing **{scope}** from {submitters} submitters."]
    if mapped < submitters:
        parts.append(f"{submitters - mapped} submitters have no coordinates and are not on the map.")
    if inferred:
        parts.append(f"The priorities of {inferred} pledges are inferred from their text (the report lists none).")
    return " ".join(parts)


# -- the app ----------------------------------------------------------------------------------------------


def _filter_dropdowns(choices: Choices, prefix: str) -> list[gr.Dropdown]:
    """Year, region, country, pledge type and priority dropdowns, each starting at "Any"."""
    specs = [
        ("Year", "year", choices.years, 110),
        ("Region", "region", choices.regions, 180),
        ("Country", "country", choices.countries, 170),
        ("Pledge type", "type", choices.pledge_types, 140),
        ("Priority", "priority", choices.priorities, 220),
    ]
    return [
        gr.Dropdown(list(values), value=ANY, label=label, min_width=width, elem_id=f"pb-{prefix}-{key}")
        for label, key, values, width in specs
    ]


def build_app(bot: PledgeBot, settings: Settings | None = None) -> gr.Blocks:
    """The four-tab app over a loaded pipeline, shared by every session (it is read-only and thread-safe)."""
    settings = settings or Settings.from_env()
    pledges = list(bot.pledges)
    total = len(pledges)
    records = bot.records
    names = priority_names(records)
    choices = filter_choices(pledges, names)
    gaz = default_gazetteer()
    by_key = {_row_key(p.year, p.submitter, p.title): p for p in pledges}
    labels = pledge_labels(pledges)
    # Exports are small and named by content, so one folder per app suffices; it goes when the process does.
    export_dir = Path(tempfile.mkdtemp(prefix="pledgebot-export-"))
    atexit.register(shutil.rmtree, export_dir, ignore_errors=True)

    # -- handlers (closures over the shared pipeline; each returns friendly text instead of raising) --

    def ask(
        question: str,
        chat: list[dict[str, Any]] | None,
        year: str,
        region: str,
        country: str,
        pledge_type: str,
        priority: str,
    ) -> tuple[str, list[dict[str, Any]], str, str]:
        """Answer a question in the conversation; returns (textbox, chat, sources HTML, filters line)."""
        chat = list(chat or [])
        history = previous_questions(chat)
        text = question if isinstance(question, str) else ""
        try:
            explicit = filters_from_controls(year, region, country, pledge_type, priority)
            answer = bot.ask(text, explicit if not explicit.is_empty() else None, history=history or None)
        except QuestionError as exc:
            message = f"I can't answer that as asked: {exc}. Try a question such as “{EXAMPLES['For journalists'][0]}”."
            if text.strip():
                chat.append({"role": "user", "content": text})
            chat.append({"role": "assistant", "content": message})
            return "", chat, empty_html(EMPTY_SOURCES), ""
        except Exception:  # the app keeps serving; the operator gets the traceback in the log
            log.exception("answering %r failed", text)
            chat += [
                {"role": "user", "content": text},
                {"role": "assistant", "content": "Sorry, something went wrong while answering. Please try again."},
            ]
            return text, chat, empty_html(EMPTY_SOURCES), ""
        chat += [{"role": "user", "content": text}, {"role": "assistant", "content": answer.text}]
        return "", chat, sources_html(answer, records), filters_line(answer, explicit)

    def browse(search: str, year: str, region: str, country: str, pledge_type: str, priority: str) -> tuple[Any, ...]:
        """The Browse view; returns (table, count line, CSV path, JSON path)."""
        try:
            view = search_pledges(pledges, search, filters_from_controls(year, region, country, pledge_type, priority))
        except QuestionError as exc:
            return pledge_table([]), f"**Cannot filter:** {escape(str(exc))}", None, None
        csv_path, json_path = export_view(view, export_dir)
        return pledge_table(view), count_line(len(view), total), str(csv_path), str(json_path)

    def overview(search: str, year: str, region: str, country: str, pledge_type: str, priority: str) -> tuple[Any, ...]:
        """The Overview charts for the Browse tab's current view."""
        try:
            view = search_pledges(pledges, search, filters_from_controls(year, region, country, pledge_type, priority))
        except QuestionError:
            view = pledges
        return (overview_note(view, total, gaz), *overview_figures(view, names, gaz))

    def open_pledge(evt: gr.SelectData) -> str:
        """The full card of the row clicked (found by its year, submitter and title, so sorting is safe)."""
        row = evt.row_value or []
        p = by_key.get(_row_key(*row[:2], row[-1])) if len(row) >= 3 else None
        return pledge_card(p, names) if p else empty_html(EMPTY_CARD)

    def compare(pledge: str, k: float = 5) -> str:
        """Pledges from other submitters comparable to the chosen pledge (label, id or submitter name)."""
        anchor = resolve_pledge(pledge, pledges, labels)
        if anchor is None:
            return empty_html(f"No pledge or submitter called “{pledge}”. Pick one from the list.")
        try:
            found = bot.similar(anchor.id, k=max(1, min(10, int(k or 5))))
        except Exception:
            log.exception("similar(%r) failed", anchor.id)
            return empty_html("Sorry, comparing failed. Please try again.")
        return similar_html(anchor, found, names)

    def pick_submitter(submitter: str, current: str) -> Any:
        """Narrow the pledge list to one submitter's pledges and select the first ("Any" keeps the choice)."""
        wanted = _chosen(submitter)
        if not wanted:
            return gr.Dropdown(choices=list(labels), value=current)
        options = [label for label, pid in labels.items() if records[pid].submitter == wanted]
        return gr.Dropdown(choices=options, value=options[0] if options else current)

    # -- initial values, so every tab has content before any event runs --
    initial_csv, initial_json = export_view(pledges, export_dir)
    milan = resolve_pledge("Milan", pledges, labels) or pledges[0]
    initial_anchor = next(label for label, pid in labels.items() if pid == milan.id)
    figures = overview_figures(pledges, names, gaz)

    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=(3600, 24 * 3600)) as app:
        gr.Markdown(f"# {TITLE}\n{TAGLINE}", elem_id="pb-header")
        with gr.Tabs():
            with gr.Tab("Ask", id="ask"):
                with gr.Accordion("Filters for the answer (optional)", open=False):
                    ask_filters = _filter_dropdowns(choices, "ask")
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=340):
                        chat = gr.Chatbot(
                            label="Conversation",
                            height=480,
                            placeholder=(
                                "**Ask about the pledges.** Follow-up questions (“and in Latin America?”) build on "
                                "the conversation. Pick an example below to start."
                            ),
                            feedback_options=None,
                            elem_id="pb-chat",
                        )
                        with gr.Row(equal_height=True):
                            implied = gr.Markdown(elem_id="pb-implied")
                            new = gr.Button("New conversation", size="sm", scale=0, min_width=150)
                        with gr.Row(equal_height=True):
                            question = gr.Textbox(
                                placeholder="Ask about the pledges and press Enter",
                                show_label=False,
                                lines=1,
                                max_lines=1,
                                scale=5,
                                min_width=200,
                                autofocus=True,
                                elem_id="pb-question",
                            )
                            send = gr.Button("Ask", variant="primary", scale=0, min_width=90, elem_id="pb-send")
                        example_sets = [
                            gr.Examples(examples=[[q] for q in qs], inputs=[question], label=label)
                            for label, qs in EXAMPLES.items()
                        ]
                    with gr.Column(scale=2, min_width=320):
                        gr.Markdown("### Sources")
                        sources = gr.HTML(
                            empty_html(EMPTY_SOURCES), js_on_load=SOURCES_JS, max_height=640, elem_id="pb-sources"
                        )

            with gr.Tab("Browse", id="browse"):
                with gr.Row():
                    search = gr.Textbox(
                        label="Search",
                        placeholder="submitter, title, country or any word in the pledge",
                        min_width=220,
                        scale=2,
                        max_lines=1,
                        elem_id="pb-search",
                    )
                    browse_filters = _filter_dropdowns(choices, "browse")
                with gr.Row(equal_height=True):
                    count = gr.Markdown(count_line(total, total), elem_id="pb-count")
                    csv_button = gr.DownloadButton(
                        "Download CSV", value=str(initial_csv), size="sm", scale=0, min_width=150
                    )
                    json_button = gr.DownloadButton(
                        "Download JSON", value=str(initial_json), size="sm", scale=0, min_width=150
                    )
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=360):
                        table = gr.Dataframe(
                            value=pledge_table(pledges),
                            headers=TABLE_HEADERS,
                            interactive=False,
                            wrap=True,
                            max_height=560,
                            column_widths=["8%", "17%", "14%", "11%", "10%", "40%"],
                            elem_id="pb-table",
                        )
                    with gr.Column(scale=2, min_width=320):
                        card = gr.HTML(empty_html(EMPTY_CARD), elem_id="pb-card")

            with gr.Tab("Compare", id="compare"):
                gr.Markdown(
                    "Find pledges from other submitters that do something comparable: pick a pledge (type to search) "
                    "or narrow the list by submitter."
                )
                with gr.Row():
                    submitter = gr.Dropdown(
                        [ANY, *sorted({p.submitter for p in pledges}, key=fold)],
                        value=ANY,
                        label="Submitter",
                        scale=1,
                        min_width=200,
                    )
                    anchor = gr.Dropdown(
                        list(labels),
                        value=initial_anchor,
                        label="Pledge",
                        allow_custom_value=True,  # the API accepts a pledge id or a submitter name too
                        scale=3,
                        min_width=280,
                        elem_id="pb-anchor",
                    )
                    k = gr.Slider(1, 10, value=5, step=1, label="How many", scale=1, min_width=160)
                comparison = gr.HTML(compare(initial_anchor, 5), elem_id="pb-compare")

            with gr.Tab("Overview", id="overview"):
                note = gr.Markdown(overview_note(pledges, total, gaz))
                map_plot = gr.Plot(figures[0], show_label=False, elem_id="pb-map")
                with gr.Row():
                    region_plot = gr.Plot(figures[1], show_label=False, min_width=320)
                    type_plot = gr.Plot(figures[2], show_label=False, min_width=320)
                with gr.Row():
                    priority_plot = gr.Plot(figures[3], show_label=False, min_width=320)
                    year_plot = gr.Plot(figures[4], show_label=False, min_width=320)
                gr.Markdown(f"<small>Map outlines: {escape(world_source())}</small>")

        # -- events --
        ask_inputs = [question, chat, *ask_filters]
        ask_outputs = [question, chat, sources, implied]
        # Gradio shows its progress overlay (spinner and timer) on the chat and sources while answering.
        # Every event that calls the pipeline shares one concurrency group, so the limit set by
        # app.queue() below bounds them together rather than each event separately.
        gr.on([question.submit, send.click], ask, ask_inputs, ask_outputs, api_name="ask", concurrency_id="pipeline")
        for examples in example_sets:
            examples.load_input_event.then(
                ask, ask_inputs, ask_outputs, api_visibility="private", concurrency_id="pipeline"
            )
        new.click(
            lambda: ("", [], empty_html(EMPTY_SOURCES), ""), None, ask_outputs, api_visibility="private", queue=False
        )

        browse_inputs = [search, *browse_filters]
        gr.on(
            [search.submit, search.input, *[d.change for d in browse_filters]],
            browse,
            browse_inputs,
            [table, count, csv_button, json_button],
            api_name="browse",
            trigger_mode="always_last",
            show_progress="minimal",
        ).then(
            overview,
            browse_inputs,
            [note, map_plot, region_plot, type_plot, priority_plot, year_plot],
            api_visibility="private",
            show_progress="hidden",
        )
        table.select(open_pledge, None, card, api_visibility="private")

        submitter.change(pick_submitter, [submitter, anchor], anchor, api_visibility="private")
        gr.on(
            [anchor.change, k.release], compare, [anchor, k], comparison, api_name="compare", concurrency_id="pipeline"
        )

    # Several sessions' answers run at once: the pipeline is shared and thread-safe, an answer takes
    # 30 ms to 1 s, so a queue of one would make every user wait for everyone else; a few in parallel
    # keeps latency low without oversubscribing the CPU the embedding models need.
    app.queue(default_concurrency_limit=settings.concurrency)
    return app


def theme() -> gr.themes.Base:
    """Gradio's default look, with the bold face of its bundled font.

    The default theme pairs Source Sans Pro regular with a SemiBold file that is a 5 KB subset lacking
    most capitals, so bold text mixes two fonts ("PledgeBot" with a fallback "B"); the full Bold file
    (also bundled, served from this app, no font CDN) renders cleanly.
    """
    font = gr.themes.LocalFont("Source Sans Pro", weights=(400, 700))
    return gr.themes.Default(font=[font, "ui-sans-serif", "system-ui", "sans-serif"])


def serve(app: gr.Blocks, settings: Settings, *, prevent_thread_lock: bool = False, quiet: bool = False) -> str:
    """Launch `app` on settings.host:settings.port (login if settings.auth); returns the local URL."""
    _, url, _ = app.launch(
        server_name=settings.host,
        server_port=settings.port,
        auth=settings.auth,
        auth_message="PledgeBot: please sign in." if settings.auth else None,
        share=False,
        prevent_thread_lock=prevent_thread_lock,
        quiet=quiet,
        ssr_mode=False,  # server-side rendering needs Node; the client-rendered page needs nothing else
        css=CSS,
        theme=theme(),
    )
    return url


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="app.py", description="Serve the PledgeBot app.")
    parser.add_argument("--host", help="address to bind (default: PLEDGEBOT_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (default: PLEDGEBOT_PORT or 7860)")
    return parser.parse_args(argv)


def launch(argv: Sequence[str] | None = None) -> None:
    """Load the settings and the pipeline once, build the app and serve it until interrupted."""
    from .pipeline import PledgeBot  # the heavy import (models, index) only when serving

    args = _parse_args(argv)
    # Our progress and errors at INFO; other libraries only when they warn (httpx logs every request at INFO).
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    log.setLevel(logging.INFO)
    try:
        settings = Settings.from_env()
        settings = dataclasses.replace(settings, host=args.host or settings.host, port=args.port or settings.port)
        log.info("loading the pipeline (models and index)…")
        bot = PledgeBot.load(settings)
    except (PledgeBotError, ValueError) as exc:  # a bad setting or a missing corpus: a message, not a traceback
        print(f"pledgebot: error: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    serve(build_app(bot, settings), settings)
