"""Comparing two scorings of the question sets: which sets moved, which answers changed, the means by status."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from score_sets import compare, in_category  # noqa: E402 - a script, imported from its folder


def scored(recall: float, cited: list[str]) -> dict:
    overall = {"recall@5": recall, "citation_precision": 1.0, "number_accuracy": None}
    question = {"qid": "q-1", "cited": cited, "abstained": False, "number": None}
    return {"overall": overall, "questions": [question]}


def test_a_set_that_moved_names_its_changed_answers_and_the_means_are_by_status():
    before = {"a": scored(0.5, ["x"]), "b": scored(1.0, ["y"])}
    after = {"a": scored(1.0, ["x", "z"]), "b": scored(1.0, ["y"])}
    lines = compare(before, after, {"a": "untouched", "b": "tuned"})
    assert lines[0].startswith("a ") and "+0.500" in lines[0] and lines[0].endswith("changed: q-1")
    assert not any(line.startswith("b ") for line in lines)  # nothing of b moved
    assert "untouched (1 sets) before: 0.5000 1.0000 nan" in lines[1]
    assert "untouched (1 sets) after: 1.0000 1.0000 nan" in lines[2]


def test_one_category_is_scored_from_its_questions_alone():
    def asked(category: str, recall: float) -> dict:
        return {"qid": category, "category": category, "scores": {"recall@5": recall, "citation_precision": 1.0}}

    dump = {
        "a": {"overall": {"recall@5": 0.9}, "questions": [asked("compare", 0.5), asked("topic", 1.0), asked("compare", 0.0)]},
        "b": {"overall": {"recall@5": 1.0}, "questions": [asked("topic", 1.0)]},
    }
    only = in_category(dump, "compare")
    assert set(only) == {"a"}  # a set without such questions is left out
    assert only["a"]["overall"]["recall@5"] == 0.25 and [q["qid"] for q in only["a"]["questions"]] == ["compare"] * 2
