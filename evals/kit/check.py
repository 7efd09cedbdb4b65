"""Check {name}.yaml against the records; prints problems or OK."""
import json
import sys
from collections import Counter
from pathlib import Path

import yaml

HERE = Path(__file__).parent
NAME = "{name}"
CATS = {"topic", "count", "report", "compare", "place", "unanswerable", "non_english", "typo", "y2022"}
ids = set()
for f in ("pledges.jsonl", "sections.jsonl"):
    for line in (HERE / "data" / f).read_text(encoding="utf-8").splitlines():
        if line.strip():
            ids.add(json.loads(line)["id"])
data = yaml.safe_load((HERE / f"{NAME}.yaml").read_text(encoding="utf-8"))
problems, seen = [], set()
for n, item in enumerate(data, 1):
    qid = item.get("id", f"#{n}")
    if qid in seen:
        problems.append(f"{qid}: duplicate id")
    seen.add(qid)
    if item.get("category") not in CATS:
        problems.append(f"{qid}: bad category {item.get('category')!r}")
    if not isinstance(item.get("question"), str) or not item["question"].strip():
        problems.append(f"{qid}: no question")
    gold = item.get("gold") or {}
    for k, v in gold.items():
        if k not in ids:
            problems.append(f"{qid}: unknown id {k}")
        if v not in (1, 2):
            problems.append(f"{qid}: grade {v} for {k}")
    if item.get("abstain"):
        if gold:
            problems.append(f"{qid}: abstain with gold")
    elif not any(v == 2 for v in gold.values()):
        problems.append(f"{qid}: no grade-2 gold")
    if item.get("category") == "count" and item.get("number") is None:
        problems.append(f"{qid}: count without number")
print("\n".join(problems) or "OK")
print(dict(Counter(i.get("category") for i in data)), file=sys.stderr)
