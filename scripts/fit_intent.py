"""Fit the intent classifier on the team's labelled questions and write `src/pledgebot/data/intent-model.json`.

Training data: the sets `evals/sets.yaml` marks tuned (labels in `evals/train/intents.yaml`, by question id)
and the team's extra questions (`evals/train/extra.yaml`). An untouched set is never used. The regularisation and
whether the question's embedding helps are chosen by cross-validation across sets (fit on all sets but one,
test on that one); the accuracy of that choice is written beside the model and to
`evals/results/intent.md`.

    .venv/bin/python scripts/fit_intent.py
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]


def tuned_sets() -> dict[str, Path]:
    """The sets the register (evals/sets.yaml) marks tuned: the only ones fitting may use."""
    from pledgebot.evals.sets import load_register

    return {s.name: ROOT / s.path for s in load_register(ROOT).values() if s.status == "tuned"}


TUNED = tuple(tuned_sets())
GRID = (1e-3, 3e-3, 1e-2, 3e-2)


def examples(lex, embedder):
    """(set name, question, intent, features, vector) for every labelled question."""
    from pledgebot.query import Intent
    from pledgebot.understand import detect_language
    from pledgebot.understand.facets import read
    from pledgebot.understand.intent import features

    labels = yaml.safe_load((ROOT / "evals/train/intents.yaml").read_text(encoding="utf-8"))
    rows, unlabelled = [], []
    for name, path in tuned_sets().items():
        questions = yaml.safe_load(path.read_text(encoding="utf-8"))
        missing = [q["id"] for q in questions if q["id"] not in labels]
        if len(missing) == len(questions):
            unlabelled.append(name)  # marked tuned, not labelled yet: labels are written by hand
            continue
        if missing:
            raise SystemExit(f"evals/train/intents.yaml labels {name} in part: no label for {', '.join(missing[:5])}")
        rows += [(name, q["question"], Intent(labels[q["id"]])) for q in questions]
    if unlabelled:
        print(f"left out, tuned but not labelled in evals/train/intents.yaml: {', '.join(unlabelled)}")
    for q in yaml.safe_load((ROOT / "evals/train/extra.yaml").read_text(encoding="utf-8")):
        rows.append(("extra", q["question"], Intent(q["intent"])))
    out = []
    for set_name, question, intent in rows:
        lang = detect_language(question)
        feats = features(read(question, lex, lang), lang)
        out.append((set_name, question, intent, feats))
    vectors = np.asarray(embedder.embed_documents([q for _, q, _, _ in out]), dtype=np.float32)
    return out, vectors


def cross_validate(data, vectors, l2: float, use_vectors: bool) -> tuple[float, list[tuple[str, str, str]]]:
    """Leave one tuned set out at a time (the extra questions always train); accuracy over held-out sets."""
    from pledgebot.understand.intent import fit

    right, total, errors = 0, 0, []
    for held in TUNED:
        train = [n for n, row in enumerate(data) if row[0] != held]
        test = [n for n, row in enumerate(data) if row[0] == held]
        model = fit(
            [data[n][3] for n in train],
            vectors[train] if use_vectors else None,
            [data[n][2] for n in train],
            l2=l2,
        )
        for n in test:
            scores = model.scores(data[n][3], vectors[n] if use_vectors else None)
            guess = max(scores, key=scores.get)
            right += guess is data[n][2]
            total += 1
            if guess is not data[n][2]:
                errors.append((data[n][1], str(data[n][2]), str(guess)))
    return right / total, errors


def main() -> int:
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    from pledgebot.config import Settings
    from pledgebot.corpus import read_pledges, read_sections
    from pledgebot.embedding import embedder_named
    from pledgebot.places import default_gazetteer
    from pledgebot.understand.intent import fit
    from pledgebot.understand.lexicon import build_lexicon

    settings = Settings.from_env({"PLEDGEBOT_HOME": str(ROOT)})
    lex = build_lexicon(default_gazetteer(), read_pledges(settings.pledges_path), read_sections(settings.sections_path))
    embedder = embedder_named(settings.embedder, settings.index_dir / ".models")
    data, vectors = examples(lex, embedder)
    results = {}
    for use_vectors in (False, True):
        for l2 in GRID:
            acc, errors = cross_validate(data, vectors, l2, use_vectors)
            results[(use_vectors, l2)] = (acc, errors)
            print(f"embedding={use_vectors!s:5} l2={l2:<6} leave-one-set-out accuracy {acc:.3f}", file=sys.stderr)
    (use_vectors, l2), (acc, errors) = max(results.items(), key=lambda kv: (kv[1][0], -kv[0][1]))
    model = fit([d[3] for d in data], vectors if use_vectors else None, [d[2] for d in data], l2=l2, embedder=embedder.name)
    report = {
        "examples": len(data),
        "by_intent": dict(Counter(str(d[2]) for d in data)),
        "cross_validation": "leave one tuned set out (questions, holdout, blind, blind2, blind3); extra questions always train",
        "accuracy": round(acc, 3),
        "chosen": {"embedding": use_vectors, "l2": l2},
        "grid": {f"embedding={u} l2={g}": round(v[0], 3) for (u, g), v in results.items()},
    }
    model = type(model)(model.labels, model.vocabulary, model.weights, model.dim, model.embedder, report)
    (ROOT / "src/pledgebot/data/intent-model.json").write_text(model.to_json() + "\n", encoding="utf-8")
    lines = [
        "# Intent classifier",
        "",
        f"{len(data)} labelled questions; leave-one-set-out accuracy **{acc:.3f}** "
        f"(embedding: {use_vectors}, l2: {l2}). Regenerate with `.venv/bin/python scripts/fit_intent.py`.",
        "",
        "| configuration | accuracy |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in report["grid"].items()],
        "",
        f"Held-out mistakes of the chosen configuration ({len(errors)}), by (label → predicted):",
        "",
        *[f"- {label} → {guess}: {n}" for (label, guess), n in Counter((e[1], e[2]) for e in errors).most_common()],
    ]
    (ROOT / "evals/results/intent.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
