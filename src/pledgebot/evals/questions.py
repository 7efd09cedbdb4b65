"""The question sets: each question with its graded gold, read and checked."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import PledgeBotError

CATEGORIES = ("topic", "place", "count", "report", "compare", "unanswerable", "non_english", "typo", "y2022")


@dataclass(frozen=True)
class EvalQuestion:
    """One question of the fixed set with its graded gold (record id -> 2 must cite, 1 acceptable)."""

    id: str
    category: str
    question: str
    gold: dict[str, int] = field(default_factory=dict)
    number: float | None = None
    abstain: bool = False
    persona: str | None = None
    note: str = ""

    @property
    def must(self) -> set[str]:
        return {d for d, g in self.gold.items() if g >= 2}


def load_questions(path: Path, known_ids: set[str] | None = None) -> list[EvalQuestion]:
    """Read and check the question set; errors name the question."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PledgeBotError(f"{path}: cannot read the question set: {exc}") from exc
    out: list[EvalQuestion] = []
    seen: set[str] = set()
    for n, item in enumerate(data or [], 1):
        qid = item.get("id") or f"#{n}"
        try:
            q = EvalQuestion(
                id=qid,
                category=item["category"],
                question=item["question"],
                gold={str(k): int(v) for k, v in (item.get("gold") or {}).items()},
                number=item.get("number"),
                abstain=bool(item.get("abstain", False)),
                persona=item.get("persona"),
                note=item.get("note", ""),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise PledgeBotError(f"{path}: question {qid}: malformed ({exc})") from exc
        problems = []
        if q.id in seen:
            problems.append("duplicate id")
        if q.category not in CATEGORIES:
            problems.append(f"unknown category {q.category!r}")
        if any(g not in (1, 2) for g in q.gold.values()):
            problems.append("grades must be 1 or 2")
        if known_ids is not None and (missing := set(q.gold) - known_ids):
            problems.append(f"unknown gold ids {sorted(missing)}")
        if not q.abstain and not q.gold:
            problems.append("no gold and not abstain")
        if problems:
            raise PledgeBotError(f"{path}: question {q.id}: {'; '.join(problems)}")
        seen.add(q.id)
        out.append(q)
    return out
