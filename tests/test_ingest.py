"""Ingest: rows of a CSV/JSONL file checked, merged by id, and published without touching other sources."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from pledgebot.corpus.ingest import merge, read_table, replace_report
from pledgebot.errors import CorpusError
from pledgebot.records import Pledge, Source

MADE_UP = Path(__file__).parent / "data" / "made-up-pledges.csv"
HEADER = "id,report,year,submitter,submitter_kind,country,region,title,description"
ROW = "x-1,r,2026,Town,city,Chile,Latin America and the Caribbean,A title,A description."


def pledge(pid: str, report: str = "r", title: str = "T") -> Pledge:
    return Pledge(pid, 2026, "Town", "city", "Chile", "Europe", title, "D.", Source("", 1, 1), report=report)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_made_up_corpus_reads_with_its_own_lines_as_sources():
    pledges = read_table(MADE_UP)
    assert len(pledges) == 6 and len({p.id for p in pledges}) == 6
    assert {p.report for p in pledges} == {"made-up-2026"}
    first = pledges[0]
    assert first.source == Source("", 2, 2, file="made-up-pledges.csv")
    assert str(first.source) == "made-up-pledges.csv, line 2"
    assert first.priorities == (3, 5) and first.end_year == 2028 and first.gcf_supported is False
    assert pledges[1].end_year is None  # an empty optional cell is no value, not ""


def test_a_quoted_cell_over_two_lines_cites_both(tmp_path):
    path = write(tmp_path, "two.csv", f'{HEADER}\nx-1,r,2026,Town,city,Chile,Europe,T,"first line\nsecond line"\n')
    assert read_table(path)[0].source == Source("", 2, 3, file="two.csv")


def test_jsonl_rows_round_trip_a_real_record(tmp_path, settings):
    from pledgebot.corpus import read_pledges

    real = read_pledges(settings.pledges_path)[:3]
    path = write(tmp_path, "some.jsonl", "".join(json.dumps(p.to_dict()) + "\n" for p in real))
    assert read_table(path) == real  # a record carried over keeps its report lines


@pytest.mark.parametrize(
    ("name", "text", "where", "words"),
    [
        ("a.csv", "id,report,year\nx,r,2026\n", "a.csv:1:", "lacks the column(s) submitter"),
        ("a.csv", f"{HEADER},colour\n{ROW},red\n", "a.csv:1:", "unknown column(s) colour"),
        ("a.csv", f"{HEADER}\n{ROW},extra\n", "a.csv:2:", "more cells than the header"),
        ("a.csv", f"{HEADER}\n{ROW.replace('Latin America and the Caribbean', 'Europa')}\n", "a.csv:2:", "region 'Europa'"),
        ("a.csv", f"{HEADER}\n{ROW.replace('2026', 'soon')}\n", "a.csv:2:", "'soon' is not a whole number"),
        ("a.csv", f"{HEADER}\n{ROW.replace('Town', '')}\n", "a.csv:2:", "missing field(s) submitter"),
        ("a.csv", f"{HEADER}\n{ROW}\n\n{ROW}\n", "a.csv:4:", "'x-1' is used again (first on line 2)"),
        ("a.csv", f"{HEADER},ongoing\n{ROW},maybe\n", "a.csv:2:", "'maybe' is not true or false"),
        ("a.csv", f"{HEADER},priorities\n{ROW},3;9\n", "a.csv:2:", "priorities [3, 9]"),
        ("a.csv", f"{HEADER},pledge_type\n{ROW},Partial\n", "a.csv:2:", "pledge_type 'Partial'"),
        ("a.csv", f"{HEADER}\n", "a.csv:", "holds no pledges"),
        ("a.jsonl", '{"id": "x"}\n', "a.jsonl:1:", "missing field(s) report"),
        ("a.jsonl", '{"id": "x"}\n[1]\n', "a.jsonl:2:", "not a JSON object"),
        ("a.jsonl", '{"id": "x",\n', "a.jsonl:1:", "not a JSON object"),
        ("a.xlsx", "whatever", "a.xlsx:", "ingest reads .csv or .jsonl"),
    ],
)
def test_a_bad_row_names_its_file_and_line(tmp_path, name, text, where, words):
    with pytest.raises(CorpusError) as err:
        read_table(write(tmp_path, name, text))
    assert where in str(err.value) and words in str(err.value), str(err.value)


def test_bytes_that_are_not_utf8_are_refused(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(f"{HEADER}\n{ROW.replace('Town', 'Bogotá')}\n".encode("latin-1"))
    with pytest.raises(CorpusError, match="not valid UTF-8"):
        read_table(path)


def test_merge_adds_replaces_in_place_and_counts_the_unchanged():
    old = [pledge("a"), pledge("b")]
    result = merge(old, [pledge("b", title="new"), pledge("a"), pledge("c")])
    assert (result.added, result.changed, result.unchanged) == (("c",), ("b",), ("a",))
    assert [(p.id, p.title) for p in result.pledges] == [("a", "T"), ("b", "new"), ("c", "T")]
    again = merge(list(result.pledges), [pledge("b", title="new"), pledge("a"), pledge("c")])
    assert again.pledges == result.pledges and not again.added and not again.changed


def test_an_id_cannot_move_to_another_report():
    with pytest.raises(CorpusError, match="already belongs to report 'r'"):
        merge([pledge("a")], [pledge("a", report="other")])


def test_a_rebuilt_report_replaces_only_its_own_records():
    old = [pledge("a", report="lgc"), pledge("legacy", report=""), pledge("mine", report="csv")]
    parsed = [pledge("a", report="lgc", title="fixed"), pledge("legacy", report="lgc")]
    assert replace_report(old, parsed) == [*parsed, pledge("mine", report="csv")]
    assert replace_report(old, []) == [old[0], old[2]]


@pytest.fixture
def corpus_copy(tmp_path, settings, monkeypatch):
    """A corpus folder holding the published records, for commands that write."""
    import shutil

    from pledgebot.corpus.jsonl import POINTER

    folder = settings.records_dir()
    shutil.copytree(folder, tmp_path / "corpus" / folder.name)
    (tmp_path / "corpus" / POINTER).write_text(folder.name + "\n")
    monkeypatch.setenv("PLEDGEBOT_CORPUS_DIR", str(tmp_path / "corpus"))
    monkeypatch.setenv("PLEDGEBOT_REPORT", str(settings.report))
    monkeypatch.setenv("PLEDGEBOT_INDEX_DIR", str(tmp_path / "index"))
    return tmp_path / "corpus"


def published(corpus: Path) -> tuple[str, list[Pledge]]:
    from pledgebot.corpus import read_pledges, records_dir

    return (corpus / "CURRENT").read_text(), read_pledges(records_dir(corpus) / "pledges.jsonl")


def test_ingest_publishes_once_and_a_rebuilt_report_keeps_the_ingested(corpus_copy, capsys):
    from pledgebot.cli import main

    assert main(["ingest", "--no-index", str(MADE_UP)]) == 0
    assert "6 added, 0 changed, 0 unchanged" in capsys.readouterr().out
    pointer, pledges = published(corpus_copy)
    assert len(pledges) == 77 + 6 and pledges[-1].source.file == "made-up-pledges.csv"

    assert main(["ingest", "--no-index", str(MADE_UP)]) == 0  # again: nothing to do, nothing written
    assert "nothing written" in capsys.readouterr().out
    assert published(corpus_copy)[0] == pointer

    assert main(["corpus", "build"]) == 0  # the report re-parsed: its records replaced, the others kept
    assert published(corpus_copy)[1] == pledges


def test_an_ingest_with_nothing_to_write_still_clears_a_killed_runs_leftovers(corpus_copy, capsys):
    import shutil

    from pledgebot.cli import main

    assert main(["ingest", "--no-index", str(MADE_UP)]) == 0
    live = published(corpus_copy)[0].strip()
    # killed between publishing and cleaning: the previous folder and a staging folder are still there
    (corpus_copy / "records-0123456789ab").mkdir()
    shutil.copytree(corpus_copy / live, corpus_copy / f".{live}.abc")
    assert main(["ingest", "--no-index", str(MADE_UP)]) == 0
    assert "nothing written" in capsys.readouterr().out
    assert sorted(p.name for p in corpus_copy.iterdir()) == ["CURRENT", live]


def test_a_bad_file_writes_nothing(corpus_copy, tmp_path, capsys):
    from pledgebot.cli import main

    before = published(corpus_copy)
    bad = write(tmp_path, "bad.csv", f"{HEADER}\n{ROW}\n{ROW.replace('x-1', 'x-2').replace('2026', '20x6')}\n")
    assert main(["ingest", "--no-index", str(bad)]) == 1
    assert "bad.csv:3: '20x6' is not a whole number" in capsys.readouterr().err
    assert published(corpus_copy) == before


@pytest.mark.slow
def test_killing_an_ingest_never_tears_the_records(corpus_copy, tmp_path):
    """kill -9 at several moments of a real `pledgebot ingest`: the live records are the ones before or
    after it, whole; the next ingest cleans what the killed ones left and publishes."""
    import csv
    import os
    import signal
    import subprocess
    import sys
    import time

    n_rows = 20_000
    rows = list(csv.DictReader(MADE_UP.read_text(encoding="utf-8").splitlines(keepends=True)))
    big = tmp_path / "many.csv"
    with big.open("w", encoding="utf-8", newline="") as out:  # enough rows that publishing takes a while
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        for n in range(n_rows):
            row = rows[n % len(rows)]
            writer.writerow({**row, "id": f"{row['id']}-{n}", "title": f"{row['title']} ({n})"})
    cmd = [sys.executable, "-m", "pledgebot.cli", "ingest", "--no-index", str(big)]
    env = dict(os.environ)  # the fixture's PLEDGEBOT_* settings point at the copy
    before, killed = published(corpus_copy), 0
    for step in range(1, 60):  # kills ever later, from before the rows are read to after they are published
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.1 * step)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        now = published(corpus_copy)
        assert len(now[1]) in (77, 77 + n_rows)  # whole: never a part of the rows
        if len(now[1]) == 77 + n_rows:
            break  # published before this kill: later kills would find nothing to do
        assert now == before
        killed += 1
    assert killed >= 3  # the kills landed while the ingest was working, not only after it
    assert subprocess.run(cmd, env=env, capture_output=True, timeout=120, check=False).returncode == 0
    assert len(published(corpus_copy)[1]) == 77 + n_rows
    assert sorted(p.name for p in corpus_copy.iterdir())[0] == "CURRENT" and len(list(corpus_copy.iterdir())) == 2


def pdf_of_lines(lines: list[str], per_page: int = 60) -> bytes:
    """A PDF printing `lines` one under another, 60 a page (Helvetica, WinAnsi: what it cannot encode is '?')."""
    objects: list[bytes] = [b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>", b""]
    kids = []
    for start in range(0, len(lines), per_page):
        shown = []
        for line in lines[start : start + per_page]:
            raw = (line or " ").encode("cp1252", errors="replace")  # a blank line is printed as a space
            shown.append(b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b") Tj T*")
        stream = b"BT /F1 8 Tf 10 TL 30 800 Td\n" + b"\n".join(shown) + b"\nET"
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 1 0 R >> >> "
            b"/Contents %d 0 R >>" % (len(objects))
        )
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, len(objects), xref)
    return bytes(out)


def test_a_report_pdf_is_read_through_its_extracted_text(corpus_copy, settings, tmp_path, capsys):
    from pledgebot.cli import main
    from pledgebot.text import fold

    # the report as a PDF; letters WinAnsi lacks are spelled without accents, as a PDF's own font would print them
    lines = [
        "".join(ch for ch in unicodedata.normalize("NFKD", line) if not unicodedata.combining(ch))
        for line in settings.report.read_text(encoding="utf-8").splitlines()
    ]
    pdf = tmp_path / f"{settings.report.stem}.pdf"
    pdf.write_bytes(pdf_of_lines(lines))
    assert main(["ingest", "--no-index", str(pdf)]) == 0
    out = capsys.readouterr().out
    text = corpus_copy / f"{settings.report.stem}.txt"
    assert f"text extracted to {text}" in out and "published 77 pledges" in out
    kept = text.read_text(encoding="utf-8").splitlines()
    printed = [x.encode("cp1252", errors="replace").decode("cp1252").strip() for x in lines]
    assert [x.strip() for x in kept] == printed  # line for line: the citations hold
    pledges = published(corpus_copy)[1]
    assert len(pledges) == 77 and {p.report for p in pledges} == {"lgc-2023"}
    for p in pledges:  # every record cites the lines of the kept text that hold its title
        cited = fold(" ".join(kept[p.source.line_start - 1 : p.source.line_end]))
        assert fold(p.title)[:30] in cited, p.id


@pytest.mark.parametrize(
    ("content", "words"),
    [(b"not a pdf at all", "not a readable PDF"), (pdf_of_lines([" "] * 3), "the PDF holds no text")],
)
def test_a_pdf_that_cannot_be_read_writes_no_records(corpus_copy, tmp_path, capsys, content, words):
    from pledgebot.cli import main

    before = published(corpus_copy)
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(content)
    assert main(["ingest", "--no-index", str(bad)]) == 1
    assert f"bad.pdf: {words}" in capsys.readouterr().err
    assert published(corpus_copy) == before


def test_an_ingested_reports_text_is_kept_and_its_citations_count_in_it(corpus_copy, settings, tmp_path):
    """A new edition's .txt: its records published beside the old ones, its text kept beside them, and its
    pledges cited at the lines of that text, which are two lines further down than in the 2023 report."""
    import re

    from pledgebot.cli import main
    from pledgebot.locate import located, read_editions
    from pledgebot.records import Answer, Citation

    text = settings.report.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^(TITLE: |20\d\d Action [—–] )", r"\1Phase Two: ", text)  # new pledges: new titles, new ids
    edition = tmp_path / "next-edition.txt"
    edition.write_text("\n\n" + text, encoding="utf-8")
    assert main(["ingest", "--no-index", str(edition)]) == 0
    assert (corpus_copy / edition.name).read_text(encoding="utf-8") == edition.read_text(encoding="utf-8")
    pledges = published(corpus_copy)[1]
    new = {p.title.removeprefix("Phase Two: "): p for p in pledges if p.report == "next-edition"}
    old = {p.title: p for p in pledges if p.report != "next-edition"}
    assert len(new) == len(old) == 77 and new.keys() == old.keys()
    texts = read_editions(settings.report, corpus_copy)
    for title in sorted(old)[:10]:
        sentence = old[title].description.split("\n")[-1].split(". ")[-1]  # a sentence from the middle of the pledge
        spans = []
        for rec in (old[title], new[title]):
            c = Citation(1, rec.id, "pledge", rec.submitter, rec.country, rec.year, rec.title, sentence, rec.source)
            got = located(Answer(question="q", text="t", citations=(c,)), texts, {rec.id: rec}).citations[0].source
            assert rec.source.line_start < got.line_start <= got.line_end <= rec.source.line_end
            spans.append((got.line_start, got.line_end))
        assert spans[1] == (spans[0][0] + 2, spans[0][1] + 2), title
