"""Citations cite the lines that hold their excerpts: tiny made-up reports, then every quote and paragraph of
the real one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pledgebot.config import Settings
from pledgebot.corpus import read_pledges, read_sections
from pledgebot.locate import REACH, ReportLines, file_of, located
from pledgebot.records import Answer, Citation, Source

ROOT = Path(__file__).resolve().parents[1]
TEXT = """TITLE: Water for all
PROJECT DESCRIPTION: The city commits to   clean water.

It will build wells. It will train
plumbers in every district.

“Water is life,” said the mayor.
"""
LINES = ReportLines(tuple("".join(line.split()).casefold() for line in TEXT.splitlines()), report="lgc-2023")
RECORD = Source("Water", 1, 5)


@pytest.mark.parametrize(
    ("excerpt", "lines"),
    [
        ("The city commits to clean water.", (2, 2)),  # whitespace differs from the report
        ("It will build wells.", (4, 4)),
        ("The city commits to clean water. … It will build wells.", (2, 4)),
        ("It will train plumbers in every district.", (4, 5)),  # one sentence over two lines
        ("“Water is life,” said the mayor.", (7, 7)),  # printed after the record's last line
        ("Nothing like this is printed.", (1, 5)),  # not found: the record's own span stays
        ("It will build wells. … Nothing like this.", (1, 5)),
    ],
)
def test_an_excerpt_is_cited_at_the_lines_that_hold_it(excerpt, lines):
    narrowed = LINES.narrow(RECORD, excerpt)
    assert (narrowed.line_start, narrowed.line_end) == lines and narrowed.section == "Water"


def test_without_the_report_citations_keep_their_records_lines(tmp_path):
    assert ReportLines.read(tmp_path / "missing.txt") is None
    c = Citation(1, "p", "pledge", "X", "Y", 2023, "T", "It will build wells.", RECORD)
    answer = Answer(question="q", text="t", citations=(c,))
    assert located(answer, ()) is answer
    assert located(answer, (LINES,)).citations[0].source == Source("Water", 4, 4)


@pytest.mark.parametrize(
    ("record_report", "source", "narrowed"),
    [
        ("lgc-2023", RECORD, True),  # a record of the edition this text is
        ("", RECORD, True),  # records that name no edition are the first edition's
        ("other", RECORD, False),  # another edition's lines are in another text
        ("lgc-2023", Source("", 4, 4, file="new.csv"), False),  # a table row cites its own line
    ],
)
def test_only_the_reports_own_records_are_narrowed_in_its_text(record_report, source, narrowed):
    from pledgebot.records import Pledge

    c = Citation(1, "p", "pledge", "X", "Y", 2023, "T", "It will build wells.", source)
    record = Pledge("p", 2023, "X", "city", "Y", "Europe", "T", "D", source, report=record_report)
    got = located(Answer(question="q", text="t", citations=(c,)), (LINES,), {"p": record}).citations[0].source
    assert (got == Source("Water", 4, 4)) is narrowed and (got == source) is not narrowed
    assert str(Source("", 4, 4, file="new.csv")) == "new.csv, line 4"


def test_each_editions_citations_are_narrowed_in_its_own_text():
    from pledgebot.records import Pledge

    later = ReportLines(("", "", *LINES.lines), report="next")  # the same words two lines further down
    texts = (later, LINES)  # found by edition, not by order
    records = {
        rid: Pledge(rid, 2023, "X", "city", "Y", "Europe", "T", "D", RECORD, report=report)
        for rid, report in (("old", "lgc-2023"), ("new", "next"), ("gone", "not-kept"), ("legacy", ""))
    }
    cites = tuple(Citation(n, rid, "pledge", "X", "Y", 2023, "T", "It will build wells.", RECORD) for n, rid in enumerate(records, 1))
    got = {c.id: c.source for c in located(Answer(question="q", text="t", citations=cites), texts, records).citations}
    assert got == {"old": Source("Water", 4, 4), "new": Source("Water", 6, 6), "gone": RECORD, "legacy": Source("Water", 4, 4)}
    texts = (ReportLines((), "lgc-2023", "corpus/lgc.txt"), ReportLines((), "next", "corpus/next.txt"))
    files = {rid: file_of(rec, texts, "report.txt") for rid, rec in records.items()}
    assert files == {"old": "corpus/lgc.txt", "new": "corpus/next.txt", "gone": "report.txt", "legacy": "report.txt"}
    table = Pledge("t", 2026, "X", "city", "Y", "Europe", "T", "D", Source("", 3, 3, "new.csv"), report="next")
    assert file_of(table, texts, "report.txt") == "new.csv"


def test_the_default_report_is_read_first_then_every_kept_edition(tmp_path):
    from pledgebot.locate import read_editions

    folder = tmp_path / "corpus"
    folder.mkdir()
    default = folder / "localizing-the-global-compacts-2023.txt"
    for path in (default, folder / "b-next.txt", folder / "a-other.txt"):
        path.write_text(TEXT, encoding="utf-8")
    (folder / "notes.md").write_text("not a report")
    texts = read_editions(default, folder, tmp_path)
    assert [t.report for t in texts] == ["lgc-2023", "a-other", "b-next"]
    assert [t.name for t in texts] == ["corpus/localizing-the-global-compacts-2023.txt", "corpus/a-other.txt", "corpus/b-next.txt"]
    assert [t.report for t in read_editions(tmp_path / "missing.txt", folder)] == ["a-other", "b-next", "lgc-2023"]


def test_lines_read_as_a_reader_would_quote_them():
    assert str(Source("Foreword", 4, 4)) == "Foreword, line 4" and Source("F", 4, 6).lines() == "lines 4–6"


@pytest.fixture(scope="module")
def real():
    settings = Settings.from_env({"PLEDGEBOT_HOME": str(ROOT)})
    folder = settings.records_dir()
    report = ReportLines.read(settings.report)
    assert report is not None
    return read_pledges(folder / "pledges.jsonl"), read_sections(folder / "sections.jsonl"), report


def test_every_printed_quote_is_cited_at_its_own_lines(real):
    pledges, _, report = real
    quoted = [(p, q) for p in pledges for q in p.quotes]
    assert len(quoted) >= 5
    for p, q in quoted:
        s = report.narrow(p.source, q.text)
        assert p.source.line_start - REACH <= s.line_start <= s.line_end <= p.source.line_end + REACH, p.id
        assert s.line_end - s.line_start <= 2, (p.id, s)  # the quote's lines, not the pledge's
        held = "".join(report.lines[s.line_start - 1 : s.line_end])
        assert "".join(q.text.split()).casefold() in held, p.id


def test_every_narrative_sentence_is_cited_at_its_own_lines(real):
    # excerpts are sentences: each is found on the line that prints it (two for one cut by a page break)
    _, sections, report = real
    found = total = 0
    for section in sections:
        for sentence in re.split(r"(?<=[.!?”])\s+|\n", section.text):
            if len(sentence.split()) < 8 or sentence.startswith(("—", "-")):
                continue
            total += 1
            s = report.narrow(section.source, sentence)
            found += s != section.source and s.line_end - s.line_start <= 2
    assert total >= 200 and found / total >= 0.97, (found, total)
