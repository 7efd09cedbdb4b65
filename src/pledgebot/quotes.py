"""Every quote the report prints with a speaker: beside pledges and in the narrative ("— Name, Role")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .records import Pledge, Section

# “…” — Filippo Grandi, High Commissioner UN Refugee Agency   (the attribution runs to the end of the line)
_ATTRIBUTED = re.compile(r"“([^”]{30,})”\s*[—–]\s*([^\n“]+)")


@dataclass(frozen=True)
class SpokenQuote:
    """A quote, who said it, and the record (pledge or section) that prints it."""

    doc_id: str
    text: str
    speaker: str
    role: str = ""

    @property
    def attribution(self) -> str:
        return ", ".join(x for x in (self.speaker, self.role) if x)


def collect_quotes(pledges: list[Pledge], sections: list[Section]) -> list[SpokenQuote]:
    """The quotes printed beside pledges, then those in the narrative sections, in report order."""
    out = [SpokenQuote(p.id, q.text, q.speaker, q.role) for p in pledges for q in p.quotes]
    for s in sections:
        for m in _ATTRIBUTED.finditer(s.text):
            speaker, _, role = m.group(2).strip().partition(", ")
            out.append(SpokenQuote(s.id, m.group(1).strip(), speaker, role))
    return out
