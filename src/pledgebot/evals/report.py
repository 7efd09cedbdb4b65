"""The results as tables a person reads at a glance (`evals/results/latest.md`), and a set's misses."""

from __future__ import annotations

import math
from typing import Any

from .configs import DEFAULT
from .metrics import Outcome
from .questions import EvalQuestion

_COLUMNS = (
    "recall@5",
    "recall@5_standard",
    "recall@10",
    "mrr@10",
    "ndcg@10",
    "citation_precision",
    "full_answer_rate",
    "number_accuracy",
    "abstention_accuracy",
    "false_abstention_rate",
    "latency_p50_ms",
    "latency_p95_ms",
)
_SET_COLUMNS = (
    "recall@5",
    "recall@5_standard",
    "citation_precision",
    "full_answer_rate",
    "number_accuracy",
    "abstention_accuracy",
    "false_abstention_rate",
)
_FIRST = ("recall@5", "citation_precision", "number_accuracy", "abstention_accuracy", "false_abstention_rate")


def _fmt(v: Any, metric: str) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    return f"{v:.0f}" if metric.endswith("_ms") else f"{v:.2f}"


def _row(name: str, values: dict[str, Any], columns: tuple[str, ...]) -> str:
    return f"| {name} | " + " | ".join(_fmt(values.get(c, math.nan), c) for c in columns) + " |"


def markdown(results: dict[str, Any]) -> str:
    lines = [
        "# PledgeBot evaluation",
        "",
        f"{results['questions']} questions (`evals/questions.yaml`), every configuration in one run "
        f"({results['generated']}). Regenerate with `make eval`.",
        "",
        "## Configurations side by side",
        "",
        "| configuration | " + " | ".join(_COLUMNS) + " |",
        "|---|" + "---|" * len(_COLUMNS),
    ]
    for name, res in results["configs"].items():
        lines.append(_row(f"**{name}**", res["summary"]["overall"], _COLUMNS))
    lines += ["", "What each configuration is:", ""]
    lines += [f"- **{name}** — {res['description']}" for name, res in results["configs"].items()]
    if DEFAULT in results["configs"]:
        lines += _default_sections(results["configs"][DEFAULT])
    if results.get("held_out"):
        lines += _sets(results["held_out"])
    lines += [
        "",
        "Metrics: Recall@k counts grade-2 golds in the first k citations over min(k, number of grade-2 golds) (so a "
        "long list can score 1); `recall@5_standard` divides by all grade-2 golds, the textbook Recall@5. MRR@10 and "
        "nDCG@10 use the graded gold (gain 2^grade − 1); citation precision is the share of an answer's citations "
        "graded ≥ 1 (mean over answers that cite); full-answer rate: every grade-2 gold cited; number accuracy: the "
        "stated number equals the gold; abstention accuracy over unanswerable questions; false-abstention rate over "
        "answerable ones. Latency is wall time per question in this run.",
    ]
    return "\n".join(lines) + "\n"


def _default_sections(res: dict[str, Any]) -> list[str]:
    summary = res["summary"]
    lines = ["", f"## {DEFAULT}: 95% bootstrap intervals", "", "| metric | mean | 95% CI |", "|---|---|---|"]
    for m, (lo, hi) in summary["ci95"].items():
        lines.append(f"| {m} | {_fmt(summary['overall'].get(m, math.nan), m)} | {_fmt(lo, m)}–{_fmt(hi, m)} |")
    cols = _SET_COLUMNS
    lines += ["", f"## {DEFAULT} by category", "", "| category | questions | " + " | ".join(cols) + " |"]
    lines.append("|---|---|" + "---|" * len(cols))
    for cat, vals in summary["by_category"].items():
        lines.append(_row(f"{cat} | {vals['questions']}", vals, cols))
    wrong = [q for q in res["questions"] if _missed(q)]
    lines += ["", f"## {DEFAULT}: questions of the main set it gets wrong ({len(wrong)})", ""]
    for q in wrong:
        bad = ", ".join(f"{k} {v:.2f}" for k, v in q["scores"].items() if v == v and _bad(k, v))
        lines.append(f"- `{q['qid']}` ({q['category']}): {bad}")
    return lines


def _sets(held: dict[str, Any]) -> list[str]:
    lines = [
        "",
        f"## {DEFAULT} on every other set",
        "",
        "Each set was written blind from the report by someone who never ran the system or read its code. "
        "*First run* is its score the first time the system answered it, before anything was changed for it "
        "(recorded for good in `evals/sets.yaml`); *now* is this run. A *tuned* set has since been used to "
        "find failures; an *untouched* one has not (only its totals are ever shown).",
        "",
        "| set | questions | status | first run: R@5 / precision / numbers / abstention / false abst. | now: "
        + " | ".join(_SET_COLUMNS)
        + " |",
        "|---|---|---|---|" + "---|" * len(_SET_COLUMNS),
    ]
    for name, res in held.items():
        first = res.get("first_run") or {}
        first_cells = " / ".join(_fmt(first.get(m), m) for m in _FIRST)
        lines.append(
            f"| {name} (`{res['path']}`) | {res['questions']} | {res['status']} | {first_cells} | "
            + " | ".join(_fmt(res["summary"]["overall"].get(c, math.nan), c) for c in _SET_COLUMNS)
            + " |"
        )
    return lines


def _bad(metric: str, value: float) -> bool:
    if metric == "false_abstention_rate":
        return value > 0
    graded = ("recall@5", "citation_precision", "number_accuracy", "abstention_accuracy", "full_answer_rate")
    return metric in graded and value < 1


def _missed(q: dict) -> bool:
    return any(_bad(k, v) for k, v in q["scores"].items() if not (isinstance(v, float) and math.isnan(v)))


def misses(questions: list[EvalQuestion], outcomes: list[Outcome], bot: Any) -> str:
    """Every wrong answer of a set, with what the system read and cited: for finding failure classes."""
    lines = []
    for q, o in zip(questions, outcomes, strict=True):
        if not _missed({"scores": o.scores}):
            continue
        a = bot.ask(q.question)
        must = sorted(d for d, g in q.gold.items() if g >= 2)
        lines += [
            f"## {q.id} ({q.category}) {q.question}",
            "- scores: " + ", ".join(f"{k} {v:.2f}" for k, v in o.scores.items() if v == v and _bad(k, v)),
            f"- gold (2): {must}; gold (1): {sorted(d for d, g in q.gold.items() if g == 1)}; number {q.number}; abstain {q.abstain}",
            f"- cited: {o.cited}; abstained {o.abstained}; number {o.number}",
            f"- route: {a.route.summary() if a.route else '—'}",
            "",
        ]
    return "\n".join(lines)
