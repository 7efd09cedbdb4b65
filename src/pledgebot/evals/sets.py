"""The register of question sets (`evals/sets.yaml`): which are tuned, which untouched, and first-run scores.

The protocol it keeps: a new set is scored once, before anything changes for it, and that first run is
recorded for good; looking at its wrong answers marks it tuned.
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import PledgeBotError

REGISTER = "evals/sets.yaml"
FIRST_RUN_METRICS = (
    "recall@5",
    "recall@5_standard",
    "citation_precision",
    "number_accuracy",
    "abstention_accuracy",
    "false_abstention_rate",
)


@dataclass
class QuestionSet:
    name: str
    path: str
    status: str  # "tuned" or "untouched"
    first_run: dict[str, Any] = field(default_factory=dict)
    note: str = ""


def load_register(home: Path) -> dict[str, QuestionSet]:
    data = yaml.safe_load((home / REGISTER).read_text(encoding="utf-8")) or {}
    return {
        name: QuestionSet(name, d["path"], d.get("status", "tuned"), _plain(d.get("first_run")), d.get("note", ""))
        for name, d in data.items()
    }


def _plain(first: dict[str, Any] | None) -> dict[str, Any]:
    """YAML reads "2026-11-27" as a date; the register keeps dates as the text they are."""
    return {k: (v if isinstance(v, int | float | str) else str(v)) for k, v in (first or {}).items()}


def save_register(home: Path, sets: dict[str, QuestionSet]) -> None:
    """Rewrite the register, keeping its header comment."""
    path = home / REGISTER
    header = "".join(line for line in path.read_text(encoding="utf-8").splitlines(True) if line.startswith("#"))
    body = {}
    for s in sets.values():
        entry: dict[str, Any] = {"path": s.path, "status": s.status}
        if s.note:
            entry["note"] = s.note
        if s.first_run:
            entry["first_run"] = s.first_run
        body[s.name] = entry
    text = yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=110)
    path.write_text(header + text, encoding="utf-8")


def record_first_run(home: Path, name: str, path: str, summary: dict[str, Any]) -> QuestionSet:
    """Register a new set as untouched with its first-run score; refuses a set that already has one."""
    sets = load_register(home)
    if name in sets and sets[name].first_run:
        msg = f"{name} already has a first run ({sets[name].first_run.get('date', 'undated')}); it is recorded once"
        raise PledgeBotError(msg)
    overall = summary["overall"]
    first = {"date": time.strftime("%Y-%m-%d"), "system": _commit(home)}
    first |= {m: round(float(overall[m]), 3) for m in FIRST_RUN_METRICS if m in overall and overall[m] == overall[m]}
    sets[name] = QuestionSet(name, path, "untouched", first)
    save_register(home, sets)
    return sets[name]


def mark_tuned(home: Path, name: str) -> bool:
    """Mark a set tuned (its answers have been looked at). Returns whether it was untouched."""
    sets = load_register(home)
    if name not in sets:
        raise PledgeBotError(f"no question set called {name!r} in {REGISTER}")
    was = sets[name].status == "untouched"
    sets[name].status = "tuned"
    save_register(home, sets)
    return was


def _commit(home: Path) -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=home, capture_output=True, text=True, timeout=10
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "src"], cwd=home, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() + ("+changes" if dirty.stdout.strip() else "") if out.returncode == 0 else "unknown"
