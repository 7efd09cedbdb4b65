"""Regression gate: the default configuration on the fixed question set, against floors and the committed results."""

from __future__ import annotations

import json
import math

import pytest

from pledgebot.evals import CATEGORIES, DEFAULT, below_floors, load_questions, regressions, run


@pytest.fixture(scope="module")
def results(settings, bot):
    return run(settings, configs=[DEFAULT])


@pytest.fixture(scope="module")
def committed(settings):
    return json.loads((settings.home / "evals" / "results" / "latest.json").read_text(encoding="utf-8"))


def test_question_set_is_well_formed(settings, bot):
    qs = load_questions(settings.home / "evals" / "questions.yaml", set(bot.records))
    assert len(qs) >= 90
    for cat in CATEGORIES:
        assert sum(q.category == cat for q in qs) >= 10, cat
    assert sum(q.persona is not None for q in qs) >= 20


def test_no_headline_metric_drops_below_the_committed_results(results, committed):
    assert regressions(results, committed) == []


def test_the_committed_results_are_this_code(results, committed):
    # The committed table must come from the code as it is (regenerate with `make eval`).
    now = results["configs"][DEFAULT]["summary"]["overall"]
    before = committed["configs"][DEFAULT]["summary"]["overall"]
    for metric in ("recall@5", "citation_precision", "number_accuracy", "abstention_accuracy"):
        assert math.isclose(now[metric], before[metric], abs_tol=0.01), metric


def test_floors_the_system_meets(results):
    # Met since the 2026-11-27 tuning: every unanswerable question abstains, no answerable one does.
    failures = below_floors(results)
    assert not [f for f in failures if f.startswith(("abstention_accuracy", "false_abstention_rate"))]


@pytest.mark.xfail(
    strict=True,
    reason="Known gap, tracked in the README: Recall@5 0.89 < 0.90, citation precision 0.88 < 0.90, number "
    "accuracy 0.94 < 1.0. strict: this starts failing the day all floors are met, so they become plain asserts.",
)
def test_all_floors(results):
    assert below_floors(results) == []
