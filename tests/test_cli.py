"""The `pledgebot ask` / `search` contract: field names, batch mode, bad input and exit codes."""

from __future__ import annotations

import errno
import io
import json
import os
import shutil
import sys

import pytest
from disks import read_only_view

from pledgebot.cli import main
from pledgebot.errors import describe_os_error

ASK_FIELDS = {"question", "answer", "abstained", "citations", "filters", "timings_ms"}
CITATION_FIELDS = {"id", "submitter", "country", "year", "title", "excerpt", "source"}


@pytest.fixture(autouse=True)
def _home(settings, monkeypatch):
    monkeypatch.setenv("PLEDGEBOT_HOME", str(settings.home))


def run(capsys, *argv, stdin: bytes | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ask_json_contract(bot, capsys):
    code, out, _ = run(capsys, "ask", "--json", "Who runs one-stop shops for OFWs?")
    data = json.loads(out)
    assert code == 0 and ASK_FIELDS <= set(data)
    assert data["citations"] and all(CITATION_FIELDS <= set(c) for c in data["citations"])
    assert set(data["citations"][0]["source"]) == {"section", "line_start", "line_end"}
    assert data["abstained"] is False and isinstance(data["timings_ms"]["total"], float)


def test_ask_with_explicit_filter_flags(bot, capsys):
    code, out, _ = run(capsys, "ask", "--json", "--country", "Greece", "Who supports refugee children?")
    data = json.loads(out)
    assert code == 0 and data["filters"]["countries"] == ["Greece"]
    assert all(c["country"] == "Greece" for c in data["citations"])


def test_ask_text_output_lists_sources(bot, capsys):
    code, out, _ = run(capsys, "ask", "What did Oslo pledge?")
    assert code == 0 and out.startswith("No pledge from Oslo is in the 2023 report.")


@pytest.mark.parametrize(
    ("question", "fragment"), [("   ", "empty"), ("a" * 2001, "2001 characters"), ("bad\x07bell", "control")]
)
def test_ask_rejects_bad_questions(bot, capsys, question, fragment):
    code, out, err = run(capsys, "ask", question)
    assert code == 1 and out == "" and fragment in err and "Traceback" not in err


def test_batch_answers_every_good_line(bot, capsys, monkeypatch):
    lines = b"What did Oslo pledge?\n\nHow many mirror pledges are there?\n\xff\xfe broken\nbad\x07bell\nWhat has Kampala pledged?\n"
    code, out, _ = run(capsys, "ask", "--json", "-", stdin=lines, monkeypatch=monkeypatch)
    rows = [json.loads(x) for x in out.splitlines()]
    assert [r["line"] for r in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[0]["abstained"] is True and ASK_FIELDS <= set(rows[0])
    assert "empty" in rows[1]["error"]
    assert rows[2]["number"] == 34
    assert "not valid UTF-8" in rows[3]["error"]
    assert "control character" in rows[4]["error"]
    assert rows[5]["citations"] and "error" not in rows[5]
    assert code == 3  # some lines failed; the rest were answered


@pytest.mark.parametrize("size", [2_001, 8_001, 1_000_000])
def test_batch_refuses_an_oversized_line_without_echoing_it(bot, capsys, monkeypatch, size):
    lines = b"What did Oslo pledge?\n" + b"a" * size + b"\nWhat has Kampala pledged?\n"
    code, out, _ = run(capsys, "ask", "--json", "-", stdin=lines, monkeypatch=monkeypatch)
    rows = [json.loads(x) for x in out.splitlines()]
    assert [r["line"] for r in rows] == [1, 2, 3] and code == 3
    assert "limit" in rows[1]["error"] and len(rows[1].get("question", "")) <= 2_001
    assert rows[2]["citations"]


def test_search_json(bot, capsys):
    code, out, _ = run(capsys, "search", "one-stop shop for overseas workers", "--k", "5", "--json")
    data = json.loads(out)
    assert code == 0 and len(data["hits"]) == 5
    assert [h["rank"] for h in data["hits"]] == [1, 2, 3, 4, 5]
    assert {"Laguna Province", "Quezon City"} <= {h["submitter"] for h in data["hits"][:3]}
    assert data["hits"][0]["score"] >= data["hits"][-1]["score"]


def test_unknown_filter_value_is_a_clear_error(capsys):
    code, _, err = run(capsys, "ask", "--type", "sideways", "anything")
    assert code == 1 and "unknown pledge type 'sideways'" in err


def test_a_read_only_corpus_folder_is_one_line_not_a_traceback(settings, tmp_path, capsys, monkeypatch):
    """`corpus build` where nothing can be written: exit 1, what and where, and the records untouched."""
    home = tmp_path / "home"
    (home / "corpus").mkdir(parents=True)
    shutil.copy(settings.report, home / "corpus" / settings.report.name)
    with read_only_view(home / "corpus", tmp_path / "ro" / "corpus"):
        monkeypatch.setenv("PLEDGEBOT_HOME", str(tmp_path / "ro"))
        code, _, err = run(capsys, "corpus", "build")
    assert code == 1 and err.count("\n") == 1
    assert "read-only" in err and str(tmp_path / "ro" / "corpus") in err
    assert sorted(p.name for p in (home / "corpus").iterdir()) == [settings.report.name]


@pytest.mark.parametrize(
    ("code", "words"),
    [(errno.EROFS, "read-only"), (errno.ENOSPC, "disk is full"), (errno.EACCES, "permission denied"),
     (errno.EIO, "Input/output error")],
)
def test_file_errors_are_described_in_words(code, words):
    message = describe_os_error(OSError(code, os.strerror(code), "/data/corpus/CURRENT"))
    assert words in message and "/data/corpus/CURRENT" in message
