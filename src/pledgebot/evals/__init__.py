"""Evaluation: the fixed question set, configurations side by side, the register of blind sets.

pledgebot eval [--config NAME …] [--write]      every configuration on the main set; the default on every set
pledgebot eval --first-run NAME PATH            score a new blind set once, record it, print only its totals
pledgebot eval --misses NAME                    a set's wrong answers (marks an untouched set tuned)
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import PledgeBotError
from .configs import CONFIGS, DEFAULT, Answerer
from .metrics import HEADLINE, Outcome, mean, score, summarise
from .questions import CATEGORIES, EvalQuestion, load_questions
from .report import markdown, misses
from .sets import load_register, mark_tuned, record_first_run

__all__ = [
    "CATEGORIES",
    "CONFIGS",
    "DEFAULT",
    "FLOORS",
    "EvalQuestion",
    "below_floors",
    "load_questions",
    "main",
    "mean",
    "regressions",
    "run",
]

FLOORS = {
    "recall@5": 0.90,
    "citation_precision": 0.90,
    "number_accuracy": 1.0,
    "abstention_accuracy": 1.0,
    # a ceiling: three of the main set's 137 answerable questions (report facts the best sentence ranks
    # too low for) still abstain; a fourth fails the gate
    "false_abstention_rate": 0.025,
}


class _Context:
    """Loads the default pipeline once; configurations build variants that share its index and models."""

    def __init__(self, settings: Settings) -> None:
        from ..pipeline import PledgeBot

        self.settings = settings
        self.bot = PledgeBot.load(settings, llm=None)
        self.cleanup: list[Callable[[], None]] = []

    def close(self) -> None:
        for fn in self.cleanup:
            fn()


def run(
    settings: Settings, configs: list[str] | None = None, questions: list[EvalQuestion] | None = None
) -> dict[str, Any]:
    """Answer the main set with every configuration, and every registered set with the default."""
    names = configs or list(CONFIGS)
    unknown = [n for n in names if n not in CONFIGS]
    if unknown:
        raise PledgeBotError(f"unknown eval configuration(s): {', '.join(unknown)}; one of {', '.join(CONFIGS)}")
    custom = questions is not None
    ctx = _Context(settings)
    try:
        known = set(ctx.bot.records)
        register = load_register(settings.home)
        if questions is None:
            questions = load_questions(settings.home / register["main"].path, known)
        results: dict[str, Any] = {}
        for name in names:
            outcomes = answer_all(CONFIGS[name].build(ctx), questions)
            results[name] = {
                "description": CONFIGS[name].description,
                "summary": summarise(outcomes),
                "questions": [asdict(o) for o in outcomes],
            }
        sets: dict[str, Any] = {}
        if DEFAULT in names and not custom:
            held_out = [(s.name, settings.home / s.path) for s in register.values() if s.name != "main"]
            for name, (held, outcomes) in answer_sets(ctx, held_out).items():
                s = register[name]
                sets[name] = {
                    "path": s.path,
                    "status": s.status,
                    "first_run": s.first_run,
                    "questions": len(held),
                    "summary": summarise(outcomes),
                }
    finally:
        ctx.close()
    return {
        "questions": len(questions),
        "configs": results,
        "held_out": sets,
        "generated": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


def answer_sets(ctx: _Context, sets: list[tuple[str, Path]]) -> dict[str, tuple[list[EvalQuestion], list[Outcome]]]:
    """Each named set whose file exists, answered once with the default configuration: its questions and
    outcomes, by name."""
    known, answerer = set(ctx.bot.records), CONFIGS[DEFAULT].build(ctx)
    out = {}
    for name, path in sets:
        if path.exists():
            held = load_questions(path, known)
            out[name] = (held, answer_all(answerer, held))
    return out


def answer_all(answerer: Answerer, questions: list[EvalQuestion]) -> list[Outcome]:
    outcomes = []
    for q in questions:
        t0 = time.perf_counter()
        try:
            cited, abstained, number = answerer(q.question)
            error = None
        except Exception as exc:  # noqa: BLE001 - an error is a wrong answer, recorded
            cited, abstained, number, error = [], False, None, f"{type(exc).__name__}: {exc}"
        ms = (time.perf_counter() - t0) * 1000
        outcomes.append(
            Outcome(q.id, q.category, cited, abstained, number, ms, score(q, cited, abstained, number), error)
        )
    return outcomes


def below_floors(results: dict[str, Any]) -> list[str]:
    """The headline metrics of the default configuration that miss their floor (or ceiling)."""
    failures = []
    overall = results["configs"][DEFAULT]["summary"]["overall"]
    for metric, floor in FLOORS.items():
        value = overall.get(metric, math.nan)
        if metric == "false_abstention_rate":
            if not value <= floor:
                failures.append(f"{metric} = {value:.3f} > ceiling {floor}")
        elif not value >= floor:
            failures.append(f"{metric} = {value:.3f} < floor {floor}")
    return failures


def regressions(results: dict[str, Any], committed: dict[str, Any] | None, tolerance: float = 0.02) -> list[str]:
    """Headline metrics more than `tolerance` worse than in the committed results."""
    if not committed or DEFAULT not in committed.get("configs", {}):
        return []
    now = results["configs"][DEFAULT]["summary"]["overall"]
    before = committed["configs"][DEFAULT]["summary"]["overall"]
    failures = []
    for metric in (*HEADLINE, "ndcg@10", "mrr@10", "recall@10"):
        if before.get(metric) is not None and now[metric] < before[metric] - tolerance:
            failures.append(f"{metric} dropped from {before[metric]:.3f} to {now[metric]:.3f}")
    rate = before.get("false_abstention_rate")
    if rate is not None and now["false_abstention_rate"] > rate + tolerance:
        failures.append(f"false_abstention_rate rose from {rate:.3f} to {now['false_abstention_rate']:.3f}")
    return failures


def first_run(settings: Settings, name: str, path: str) -> dict[str, Any]:
    """Score a new blind set once with the default and record it; only its totals are returned."""
    register = load_register(settings.home)
    if name in register and register[name].first_run:
        raise PledgeBotError(f"{name} already has a first run; it is recorded once")
    ctx = _Context(settings)
    try:
        held = load_questions(settings.home / path, set(ctx.bot.records))
        summary = summarise(answer_all(CONFIGS[DEFAULT].build(ctx), held))
    finally:
        ctx.close()
    record_first_run(settings.home, name, path, summary)
    return {"set": name, "questions": len(held), "first_run": load_register(settings.home)[name].first_run}


def main(
    settings: Settings,
    configs: list[str] | None = None,
    as_json: bool = False,
    write: bool = False,
    first: tuple[str, str] | None = None,
    show_misses: str | None = None,
) -> int:
    """`pledgebot eval`: run, print, and with --write save evals/results/latest.{md,json}."""
    if first is not None:
        print(json.dumps(first_run(settings, *first), indent=1))
        return 0
    if show_misses is not None:
        return _misses(settings, show_misses)
    results = run(settings, configs)
    text = json.dumps(_without_nan(results), ensure_ascii=False, indent=1)
    if write:
        out = settings.home / "evals" / "results"
        out.mkdir(parents=True, exist_ok=True)
        (out / "latest.json").write_text(text + "\n", encoding="utf-8")
        (out / "latest.md").write_text(markdown(results), encoding="utf-8")
        print(f"wrote {out / 'latest.md'} and {out / 'latest.json'}")
    print(text if as_json else markdown(results))
    return 0


def _misses(settings: Settings, name: str) -> int:
    register = load_register(settings.home)
    if name not in register:
        raise PledgeBotError(f"no question set called {name!r}")
    if mark_tuned(settings.home, name):
        print(f"{name} was untouched; it is now marked tuned (its first run stays recorded).")
    ctx = _Context(settings)
    try:
        held = load_questions(settings.home / register[name].path, set(ctx.bot.records))
        outcomes = answer_all(CONFIGS[DEFAULT].build(ctx), held)
    finally:
        ctx.close()
    print(misses(held, outcomes, ctx.bot))
    return 0


def _without_nan(value: Any) -> Any:
    """NaN is not JSON: metrics that do not apply are written as null."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _without_nan(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_without_nan(v) for v in value]
    return value


def load_results(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))
