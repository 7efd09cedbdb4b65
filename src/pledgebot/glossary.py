"""The report's acronyms and terms (`data/glossary.yaml`): read by question understanding and by indexing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import yaml


@dataclass(frozen=True)
class Term:
    term: str
    variants: tuple[str, ...]
    means: str
    expand: str
    filter: dict | None = None


@lru_cache(maxsize=1)
def load_glossary() -> tuple[Term, ...]:
    """The shipped glossary of the report's terms."""
    data = yaml.safe_load(files("pledgebot.data").joinpath("glossary.yaml").read_text(encoding="utf-8"))
    return tuple(
        Term(t["term"], tuple(t.get("variants") or ()), t["means"], t["expand"], t.get("filter")) for t in data["terms"]
    )


def acronyms(glossary: tuple[Term, ...] | None = None) -> dict[str, str]:
    """Acronym -> what it stands for ("LRG" -> "local and regional governments")."""
    terms = glossary or load_glossary()
    # "the Global Refugee Forum (December 2023)" -> "Global Refugee Forum": the name, not its gloss
    return {t.term: re.sub(r"^the |\s*\(.*?\)", "", t.means) for t in terms if re.fullmatch(r"[A-Z]{2,6}", t.term)}


def spell_inline(text: str, meanings: dict[str, str]) -> str:
    """`text` with each plural acronym followed by what it stands for, where it stands: "3 LRGs (local and
    regional governments) reported" says what the 3 counts, which a figure question compares with what it asks.
    Only plurals: a plural acronym is something counted; a singular one is a name ("the GCF"), whose gloss
    would lend a figure nouns it does not count."""
    for a, m in meanings.items():
        text = re.sub(rf"\b{a}s\b", lambda hit, m=m: f"{hit.group(0)} ({m})", text)
    return text


def spell_out(text: str, meanings: dict[str, str]) -> str:
    """`text` with the acronyms it uses spelled out after it, for embedding only: the English model does
    not know "LRGs", so "84% of actions were from LRGs" would not match "local governments"."""
    found = [f"{a}: {m}" for a, m in meanings.items() if re.search(rf"\b{a}s?\b", text)]
    return f"{text} ({'; '.join(found)})" if found else text
