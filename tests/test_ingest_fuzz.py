"""Property-based tests of ingest: tables made from the made-up corpus, damaged at random, and made-up records.

Every generated table either reads to pledges that cite the lines they stand on, or fails with a CorpusError
naming the file and, where it is about a row, a line of that file. Anything else (a traceback, a record
citing lines that do not hold it) fails the test. Records written as JSONL read back unchanged, and merging
the same rows twice changes nothing the second time.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from pledgebot.corpus.ingest import merge, read_table
from pledgebot.errors import CorpusError
from pledgebot.records import PLEDGE_TYPES, REGIONS, SUBMITTER_KINDS, Pledge, Quote, Source

MADE_UP = Path(__file__).parent / "data" / "made-up-pledges.csv"
LINES = MADE_UP.read_text(encoding="utf-8").splitlines()
FUZZ = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# short texts with the characters that break tables: separators, quotes, line breaks, non-ASCII letters
cell_text = st.text(alphabet=st.sampled_from(list('ab ,;"\n\r\tÿé0123456789-{}[]')), max_size=12)


@st.composite
def damaged_tables(draw) -> str:
    """The made-up CSV with a few random edits: a cell replaced, a line dropped, doubled or cut, junk added."""
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 3))):
        n = draw(st.integers(0, len(lines) - 1)) if lines else 0
        edit = draw(st.sampled_from(["cell", "drop", "double", "cut", "junk"]))
        if not lines:
            lines.append(draw(cell_text))
        elif edit == "cell":
            cells = lines[n].split(",")
            cells[draw(st.integers(0, len(cells) - 1))] = draw(cell_text)
            lines[n] = ",".join(cells)
        elif edit == "drop":
            del lines[n]
        elif edit == "double":
            lines.insert(n, lines[n])
        elif edit == "cut":
            lines[n] = lines[n][: draw(st.integers(0, len(lines[n])))]
        else:
            lines.insert(n, draw(cell_text))
    return "\n".join(lines) + "\n"


def check_table(folder: Path, table: str) -> None:
    path = folder / "pledges.csv"
    path.write_text(table, encoding="utf-8")
    lines = table.splitlines()
    try:
        pledges = read_table(path)
    except CorpusError as err:
        assert err.path == path and str(err).startswith(str(path))
        assert err.line is None or 1 <= err.line <= max(1, len(lines)), (err.line, len(lines))
        return
    for p in pledges:
        assert p.source.file == "pledges.csv" and 1 < p.source.line_start <= p.source.line_end <= len(lines)
        cited = "\n".join(lines[p.source.line_start - 1 : p.source.line_end])
        assert p.id in cited and p.description.split()[0] in cited
    assert len({p.id for p in pledges}) == len(pledges)


def _damaged(folder: Path, examples: int) -> None:
    # a fixed seed and no example database: a fresh clone draws the same tables as the run here
    @seed(examples)
    @settings(max_examples=examples, deadline=None, database=None)
    @given(table=damaged_tables())
    def run(table: str) -> None:
        check_table(folder, table)

    run()


def test_a_damaged_table_reads_to_cited_rows_or_fails_naming_its_line(tmp_path):
    _damaged(tmp_path, 150)


@pytest.mark.slow
def test_a_thousand_damaged_tables_read_to_cited_rows_or_fail_naming_their_line(tmp_path):
    _damaged(tmp_path, 1000)


words = st.text(alphabet=st.sampled_from(list("abcdefgh éñ-'")), min_size=1, max_size=15).map(str.strip).filter(bool)
years = st.integers(1990, 2040)


@st.composite
def pledges(draw, pid: str) -> Pledge:
    start = draw(st.none() | years)
    end = draw(st.none() | st.integers(start or 1990, 2045))
    return Pledge(
        id=pid,
        year=draw(years),
        submitter=draw(words),
        submitter_kind=draw(st.sampled_from(SUBMITTER_KINDS)),
        country=draw(words),
        region=draw(st.sampled_from(REGIONS)),
        title=draw(words),
        description=draw(words) + ".",
        source=Source("", 1, 1),
        pledge_type=draw(st.none() | st.sampled_from(PLEDGE_TYPES)),
        priorities=tuple(draw(st.lists(st.integers(1, 8), max_size=3, unique=True))),
        start_year=start,
        end_year=end,
        gcf_supported=draw(st.booleans()),
        quotes=tuple(draw(st.lists(st.builds(Quote, words, words, words), max_size=2))),
        report=draw(st.sampled_from(["made-up-2026", "other-db"])),
    )


record_lists = st.lists(st.integers(0, 40), min_size=1, max_size=8, unique=True).flatmap(
    lambda ns: st.tuples(*(pledges(f"fz-{n}") for n in ns))
)


@seed(1)
@FUZZ
@given(records=record_lists)
def test_records_written_as_jsonl_read_back_unchanged(tmp_path_factory, records):
    path = tmp_path_factory.mktemp("fuzz") / "pledges.jsonl"
    path.write_text("".join(json.dumps(p.to_dict(), ensure_ascii=False) + "\n" for p in records), encoding="utf-8")
    assert read_table(path) == list(records)


@seed(2)
@FUZZ
@given(existing=record_lists, incoming=record_lists)
def test_merging_the_same_rows_again_changes_nothing(existing, incoming):
    # an id stays in its edition: rows of the other edition under a known id are refused, not merged
    by_id = {p.id: p.report for p in existing}
    if any(by_id.get(p.id, p.report) != p.report for p in incoming):
        try:
            merge(list(existing), list(incoming))
        except CorpusError as err:
            assert "already belongs to report" in str(err)
            return
        raise AssertionError("an id moved to another report")
    once = merge(list(existing), list(incoming))
    assert len(once.pledges) == len({p.id for p in (*existing, *incoming)})
    again = merge(list(once.pledges), list(incoming))
    assert again.pledges == once.pledges and not again.added and not again.changed
    assert set(again.unchanged) == {p.id for p in incoming}
