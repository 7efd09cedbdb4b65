"""Metrics in the information-retrieval shape, per question and summarised with bootstrap intervals."""

from __future__ import annotations

import math
import random
import statistics
from dataclasses import dataclass
from typing import Any

from .questions import CATEGORIES, EvalQuestion

HEADLINE = ("recall@5", "citation_precision", "full_answer_rate", "number_accuracy", "abstention_accuracy")


def recall_at(ranked: list[str], must: set[str], k: int) -> float:
    """Grade-2 golds found in the top k, over min(k, how many there are) so long lists can score 1."""
    if not must:
        return math.nan
    return len(set(ranked[:k]) & must) / min(k, len(must))


def recall_standard(ranked: list[str], must: set[str], k: int) -> float:
    """Grade-2 golds found in the first k over all of them (the textbook Recall@k: long lists cannot reach 1)."""
    if not must:
        return math.nan
    return len(set(ranked[:k]) & must) / len(must)


def mrr_at(ranked: list[str], gold: dict[str, int], k: int = 10) -> float:
    for n, d in enumerate(ranked[:k], 1):
        if gold.get(d, 0) >= 1:
            return 1.0 / n
    return 0.0


def ndcg_at(ranked: list[str], gold: dict[str, int], k: int = 10) -> float:
    dcg = sum((2 ** gold.get(d, 0) - 1) / math.log2(n + 1) for n, d in enumerate(ranked[:k], 1))
    ideal = sorted(gold.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(n + 1) for n, g in enumerate(ideal, 1))
    return dcg / idcg if idcg else math.nan


@dataclass
class Outcome:
    """One configuration's answer to one question, scored."""

    qid: str
    category: str
    cited: list[str]
    abstained: bool
    number: float | None
    latency_ms: float
    scores: dict[str, float]
    error: str | None = None


def score(q: EvalQuestion, cited: list[str], abstained: bool, number: float | None) -> dict[str, float]:
    """All per-question metrics (NaN where a metric does not apply to this question)."""
    nan = math.nan
    s: dict[str, float] = {}
    answerable = not q.abstain
    s["recall@5"] = recall_at(cited, q.must, 5) if answerable else nan
    s["recall@10"] = recall_at(cited, q.must, 10) if answerable else nan
    s["recall@5_standard"] = recall_standard(cited, q.must, 5) if answerable else nan
    s["mrr@10"] = mrr_at(cited, q.gold) if answerable else nan
    s["ndcg@10"] = ndcg_at(cited, q.gold) if answerable else nan
    if cited:
        s["citation_precision"] = sum(q.gold.get(d, 0) >= 1 for d in cited) / len(cited)
    else:
        s["citation_precision"] = nan
    s["full_answer_rate"] = float(q.must <= set(cited)) if answerable and q.must else nan
    if q.number is not None:
        s["number_accuracy"] = float(number is not None and abs(float(number) - float(q.number)) < 1e-6)
    else:
        s["number_accuracy"] = nan
    s["abstention_accuracy"] = float(abstained) if q.abstain else nan
    s["false_abstention_rate"] = float(abstained) if answerable else nan
    return s


def mean(values: list[float]) -> float:
    vals = [v for v in values if not math.isnan(v)]
    return sum(vals) / len(vals) if vals else math.nan


def bootstrap(values: list[float], n: int = 1000, seed: int = 7) -> tuple[float, float]:
    """95% percentile interval of the mean, resampling questions."""
    vals = [v for v in values if not math.isnan(v)]
    if len(vals) < 2:
        return (math.nan, math.nan)
    rng = random.Random(seed)
    means = sorted(sum(rng.choices(vals, k=len(vals))) / len(vals) for _ in range(n))
    return means[int(0.025 * n)], means[int(0.975 * n) - 1]


def summarise(outcomes: list[Outcome]) -> dict[str, Any]:
    metrics = sorted({m for o in outcomes for m in o.scores})
    overall = {m: mean([o.scores[m] for o in outcomes]) for m in metrics}
    lat = sorted(o.latency_ms for o in outcomes)
    overall["latency_p50_ms"] = statistics.median(lat) if lat else math.nan
    overall["latency_p95_ms"] = lat[min(len(lat) - 1, int(0.95 * len(lat)))] if lat else math.nan
    intervals = {m: bootstrap([o.scores[m] for o in outcomes]) for m in (*HEADLINE, "ndcg@10", "false_abstention_rate")}
    by_cat = {}
    for cat in CATEGORIES:
        group = [o for o in outcomes if o.category == cat]
        if group:
            by_cat[cat] = {m: mean([o.scores[m] for o in group]) for m in metrics} | {"questions": len(group)}
    return {
        "overall": overall,
        "ci95": intervals,
        "by_category": by_cat,
        "errors": sum(o.error is not None for o in outcomes),
    }
