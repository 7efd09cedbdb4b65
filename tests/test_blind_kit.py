"""The blind-set kit: the folder a helper writes a question set in, and its checker."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from blind_kit import make_kit  # noqa: E402 - a script, imported from its folder


def check(folder: Path, text: str) -> str:
    (folder / "blind77.yaml").write_text(text, encoding="utf-8")
    done = subprocess.run([sys.executable, "check.py"], cwd=folder, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_the_kit_holds_the_records_and_rules_named_for_its_set(tmp_path):
    folder = make_kit("blind77", tmp_path / "kit")
    assert {p.name for p in (folder / "data").iterdir()} >= {"pledges.jsonl", "sections.jsonl"}
    rules = (folder / "FORMAT.md").read_text(encoding="utf-8")
    assert "blind77.yaml" in rules and "b77-001" in rules and "{name}" not in rules
    good = '- id: b77-001\n  category: report\n  question: "Who wrote the foreword?"\n  gold:\n    section-foreword: 2\n'
    assert check(folder, good) == "OK"
    bad = good.replace("section-foreword", "section-nowhere")
    assert "unknown id section-nowhere" in check(folder, bad)
    with pytest.raises(SystemExit, match="written once"):
        make_kit("blind77", folder)
