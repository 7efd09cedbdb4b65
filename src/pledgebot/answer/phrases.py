"""The answer's own words in the question's language, from the phrase catalogue (`data/messages.yaml`).

Handlers say `say(q.language, "topical.lead", count=n, names=…, where=…)`; the catalogue holds the templates
(en, es, fr, pt), so wording lives in data and English stays exactly what it was. Nothing is read at import:
`catalogue()` loads the packaged file once, on first use (`Resources` calls it at pipeline load, so a broken
catalogue fails there, not in the middle of an answer).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from ..errors import PledgeBotError

LANGUAGES = ("en", "es", "fr", "pt")
FORMS = ("one", "other")
RESERVED = frozenset({"lang", "key", "count"})  # the parameters of `say`

_VOWEL = re.compile(r"[aeiouyàâäéèêëîïôöùûüœæ]", re.I)  # h is left alone: aspirated or mute depends on the word


def plural_form(lang: str, n: int) -> str:
    """ "one" or "other" for `n` in `lang`: French counts 0 as singular ("0 engagement"); the others only 1."""
    if lang == "fr":
        return "one" if n in (0, 1) else "other"
    return "one" if n == 1 else "other"


def placeholders(template: str) -> set[str]:
    """The named fields of a template."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@dataclass(frozen=True)
class Catalogue:
    """key -> language -> template, or {one, other} templates for phrases that agree with a number."""

    messages: dict[str, dict[str, str | dict[str, str]]]

    def template(self, lang: str, key: str, count: int | None = None) -> str:
        """The template for `key` in `lang` (English when the catalogue lacks that language)."""
        entry = self.messages[key]  # an unknown key is a programming error: KeyError names it
        chosen = entry.get(lang)
        if chosen is None:
            lang, chosen = "en", entry["en"]
        if isinstance(chosen, dict):
            if count is None:
                msg = f"phrase {key!r} agrees with a number: pass count"
                raise ValueError(msg)
            return chosen[plural_form(lang, count)]
        return chosen

    def say(self, lang: str, key: str, count: int | None = None, **values: Any) -> str:
        """The phrase `key` in `lang` with `values` filled in; `count` picks the singular or plural form."""
        out = []
        for literal, name, spec, conversion in string.Formatter().parse(self.template(lang, key, count)):
            if name is None:
                out.append(literal)
                continue
            value = format(_converted(values[name], conversion), spec or "")
            if lang == "fr":
                literal = _elide(literal, value)
            out.append(literal + value)
        return "".join(out)


def _converted(value: Any, conversion: str | None) -> Any:
    return {"r": repr, "s": str, "a": ascii}[conversion](value) if conversion else value


def _elide(literal: str, value: str) -> str:
    """French elides "de" and "que" before a vowel: "de {place}" with Oslo reads "d’Oslo". Only the template's
    own words change, never the value (a name or a title is printed as it is)."""
    m = re.search(r"(?:^|(?<=\s))(de|que) $", literal)
    if m and _VOWEL.match(value):
        return literal[: m.start()] + m.group(1)[:-1] + "’"
    return literal


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Read and check a catalogue: every key has English, and only known languages and plural forms."""
    try:
        if path is None:
            text = files("pledgebot.data").joinpath("messages.yaml").read_text(encoding="utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        data = yaml.safe_load(text) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise PledgeBotError(f"{path or 'messages.yaml'}: cannot read the phrase catalogue: {exc}") from exc
    for key, entry in data.items():
        if not isinstance(entry, dict) or "en" not in entry:
            raise PledgeBotError(f"phrase {key!r}: no English template")
        if unknown := set(entry) - set(LANGUAGES):
            raise PledgeBotError(f"phrase {key!r}: unknown language(s) {sorted(unknown)}")
        for lang, value in entry.items():
            if isinstance(value, dict) and set(value) != set(FORMS):
                raise PledgeBotError(f"phrase {key!r} ({lang}): plural forms must be exactly {FORMS}")
            # `say` takes these names itself: a placeholder so named could never be filled
            for form in value.values() if isinstance(value, dict) else [value]:
                if clash := placeholders(form) & RESERVED:
                    raise PledgeBotError(f"phrase {key!r} ({lang}): placeholder(s) {sorted(clash)} are reserved")
    return Catalogue(data)


@cache
def catalogue() -> Catalogue:
    """The packaged catalogue, read once."""
    return load_catalogue()


def say(lang: str, key: str, count: int | None = None, **values: Any) -> str:
    """The phrase `key` in `lang` from the packaged catalogue (see `Catalogue.say`)."""
    return catalogue().say(lang, key, count, **values)
