"""Score every registered question set with the default configuration and keep each answer, to compare two systems.

    .venv/bin/python scripts/score_sets.py dump OUT.json [NAME=PATH ...]   every set (and extra ones) → OUT.json
    .venv/bin/python scripts/score_sets.py compare BEFORE.json AFTER.json   per-set differences and mean by status
    .venv/bin/python scripts/score_sets.py compare BEFORE.json AFTER.json --category compare   the same, over one
                                                                          category's questions of every set

`dump` scores the code on PYTHONPATH against the index and register of PLEDGEBOT_HOME (a git worktree of an older
commit, with PYTHONPATH=<worktree>/src, scores the older system the same hour). `compare` prints, for each set
whose totals moved, the differences in Recall@5 / precision / numbers / abstention / false abstention, then the
mean of each over the untouched and the tuned sets (status from the current register), and the ids of the
questions whose answers changed; it never prints an untouched set's question text.
"""

from __future__ import annotations

import json
import math
import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
METRICS = ("recall@5", "citation_precision", "number_accuracy", "abstention_accuracy", "false_abstention_rate")


def dump(out: Path, extra: list[str]) -> dict[str, Any]:
    """Every registered set (and NAME=PATH extras, status "new") answered once; per-question outcomes kept."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    from pledgebot.config import Settings
    from pledgebot.evals import _Context, answer_sets
    from pledgebot.evals.metrics import summarise
    from pledgebot.evals.sets import load_register

    settings = Settings.from_env()
    ctx = _Context(settings)
    try:
        register = load_register(settings.home).values()
        status = {s.name: s.status for s in register}
        todo = [(s.name, settings.home / s.path) for s in register]
        todo += [(a.split("=", 1)[0], Path(a.split("=", 1)[1])) for a in extra]
        result = {
            name: {
                "status": status.get(name, "new"),
                "overall": summarise(outcomes)["overall"],
                "questions": [asdict(o) for o in outcomes],
            }
            for name, (_, outcomes) in answer_sets(ctx, todo).items()
        }
    finally:
        ctx.close()
    out.write_text(json.dumps(result, default=str) + "\n", encoding="utf-8")
    return result


def _value(overall: dict[str, Any], metric: str) -> float:
    v = overall.get(metric)
    return math.nan if v is None else float(v)


def _mean(values: list[float]) -> float:
    kept = [v for v in values if not math.isnan(v)]
    return sum(kept) / len(kept) if kept else math.nan


def in_category(dump_: dict[str, Any], category: str) -> dict[str, Any]:
    """The dump restricted to one category's questions: each set's means over those (from the per-question
    scores the dump keeps); sets without such questions left out."""
    out = {}
    for name, v in dump_.items():
        asked = [q for q in v["questions"] if q["category"] == category]
        if asked:
            overall = {m: _mean([_value(q["scores"], m) for q in asked]) for m in METRICS}
            out[name] = {**v, "overall": overall, "questions": asked}
    return out


def compare(before: dict[str, Any], after: dict[str, Any], status: dict[str, str]) -> list[str]:
    """Lines: each set whose totals moved, its changed question ids, then the means by status."""
    lines = []
    for name, b in after.items():
        a = before.get(name)
        if a is None:
            continue
        deltas = [_value(b["overall"], m) - _value(a["overall"], m) for m in METRICS]
        was = {q["qid"]: (q["cited"], q["abstained"], q["number"]) for q in a["questions"]}
        changed = [q["qid"] for q in b["questions"] if was.get(q["qid"]) not in (None, (q["cited"], q["abstained"], q["number"]))]
        if changed or any(abs(d) > 1e-9 for d in deltas if not math.isnan(d)):
            shown = " ".join("   —  " if math.isnan(d) else f"{d:+.3f}" for d in deltas)
            lines.append(f"{name:10s} {status.get(name, 'new'):9s} {shown}  changed: {', '.join(changed)}")
    for kind in ("untouched", "tuned"):
        for label, dump_ in (("before", before), ("after", after)):
            sets = [v for k, v in dump_.items() if status.get(k) == kind and k in before and k in after]
            means = " ".join(f"{_mean([_value(v['overall'], m) for v in sets]):.4f}" for m in METRICS)
            lines.append(f"{kind} ({len(sets)} sets) {label}: {means}")
    return lines


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "dump":
        result = dump(Path(argv[1]), argv[2:])
        print(f"{len(result)} sets scored into {argv[1]}")
        return 0
    if len(argv) in (3, 5) and argv[0] == "compare" and (len(argv) == 3 or argv[3] == "--category"):
        from pledgebot.evals.sets import load_register

        status = {s.name: s.status for s in load_register(ROOT).values()}
        before, after = (json.loads(Path(p).read_text(encoding="utf-8")) for p in argv[1:3])
        if len(argv) == 5:
            before, after = in_category(before, argv[4]), in_category(after, argv[4])
        print("\n".join(compare(before, after, status)))
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
