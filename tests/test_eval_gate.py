"""Regression gate: the default configuration on the fixed question set, against floors and the committed results;
and the register of blind sets that keeps first-run scores honest."""

from __future__ import annotations

import json
import math

import pytest

from pledgebot.errors import PledgeBotError
from pledgebot.evals import CATEGORIES, DEFAULT, FLOORS, below_floors, load_questions, regressions, run
from pledgebot.evals.sets import load_register, mark_tuned, record_first_run


@pytest.fixture(scope="module")
def results(settings, bot):
    return run(settings, configs=[DEFAULT])


@pytest.fixture(scope="module")
def committed(settings):
    return json.loads((settings.home / "evals" / "results" / "latest.json").read_text(encoding="utf-8"))


def test_every_registered_set_is_well_formed(settings, bot):
    register = load_register(settings.home)
    main = load_questions(settings.home / register["main"].path, set(bot.records))
    assert len(main) >= 90 and sum(q.persona is not None for q in main) >= 20
    for cat in CATEGORIES:
        assert sum(q.category == cat for q in main) >= 10, cat
    for s in register.values():
        assert load_questions(settings.home / s.path, set(bot.records)), s.name
        assert s.status in ("tuned", "untouched"), s.name
        assert s.name == "main" or s.first_run, f"{s.name} has no first run recorded"


def test_no_headline_metric_drops_below_the_committed_results(results, committed):
    assert regressions(results, committed) == []


def test_the_committed_results_are_this_code(results, committed):
    # The committed table must come from the code as it is (regenerate with `make eval`).
    now = results["configs"][DEFAULT]["summary"]["overall"]
    before = committed["configs"][DEFAULT]["summary"]["overall"]
    for metric in ("recall@5", "citation_precision", "number_accuracy", "abstention_accuracy"):
        assert math.isclose(now[metric], before[metric], abs_tol=0.01), metric


def test_floors(results):
    assert below_floors(results) == [], FLOORS


def test_every_other_set_is_reported(results, settings):
    held = results.get("held_out", {})
    register = load_register(settings.home)
    assert set(held) == set(register) - {"main"}
    for name, res in held.items():
        # every question of the set's file is answered, none dropped on the way
        asked = load_questions(settings.home / register[name].path)
        assert res["questions"] == len(asked) >= 40 and 0.0 <= res["summary"]["overall"]["recall@5"] <= 1.0


def test_a_first_run_is_recorded_once_and_looking_marks_a_set_tuned(tmp_path):
    (tmp_path / "evals").mkdir()
    (tmp_path / "evals" / "sets.yaml").write_text("# header kept\nmain:\n  path: evals/q.yaml\n  status: tuned\n")
    summary = {"overall": {"recall@5": 0.7, "citation_precision": 0.8, "number_accuracy": math.nan}}
    first = record_first_run(tmp_path, "new", "evals/new.yaml", summary)
    assert (
        first.status == "untouched" and first.first_run["recall@5"] == 0.7 and "number_accuracy" not in first.first_run
    )
    with pytest.raises(PledgeBotError, match="recorded once"):
        record_first_run(tmp_path, "new", "evals/new.yaml", summary)
    assert mark_tuned(tmp_path, "new") is True and mark_tuned(tmp_path, "new") is False
    assert load_register(tmp_path)["new"].first_run["recall@5"] == 0.7  # looking never changes the first run
    assert (tmp_path / "evals" / "sets.yaml").read_text().startswith("# header kept")
