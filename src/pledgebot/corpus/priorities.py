"""The spotlight on the 8 priorities: their definitions, the actions they highlight, and inferring a pledge's."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CorpusError
from ..records import Section, Source
from .drafts import Draft
from .parts import ACTION_HEADING, PRIORITY_HEADING
from .text import Para, clean, is_english, is_heading, is_quote, text_paragraphs, tokens

_DEFINITION = re.compile(r"^(GCM Objectives|GCR Focus Areas|SDG Commitments|Type of Actions):\s*(.*)$", re.S)


@dataclass(frozen=True)
class Priority:
    number: int
    name: str
    gcm_objectives: tuple[int, ...]
    gcr_focus_areas: tuple[str, ...]
    sdgs: tuple[int, ...]
    definition: str
    line: int


@dataclass
class _Block:
    """A priority's heading and the paragraphs before its first action (its definition lines among them)."""

    number: int
    name: str
    line: int
    fields: dict[str, str] = field(default_factory=dict)
    paras: list[Para] = field(default_factory=list)


def parse_priorities(
    lines: list[str], start: int, end: int, path: Path, part: str, count: int
) -> tuple[list[Priority], list[Draft], list[Section]]:
    """The `count` priorities' definitions (eight in the 2023 report), the actions they highlight, and their
    narrative sections, all cited under the part named `part`."""
    blocks, actions = _read_blocks(text_paragraphs(lines, start, end), part)
    priorities: list[Priority] = []
    sections: list[Section] = []
    for block in blocks:
        prio = _to_priority(block, path)
        priorities.append(prio)
        sections.append(_priority_section(prio, block.paras, part))
    if len(priorities) != count:
        raise CorpusError(f"expected the {count} priorities, found {len(priorities)}", path=path, line=start + 1)
    for a in actions:
        if not a.body:
            raise CorpusError(f"action {a.title!r} has no text", path=path, line=a.title_line)
    return priorities, actions, sections


def _read_blocks(paras: list[Para], part: str) -> tuple[list[_Block], list[Draft]]:
    """Split the spotlight into priority blocks and the actions printed under each."""
    blocks: list[_Block] = []
    actions: list[Draft] = []
    current: _Block | None = None
    action: Draft | None = None
    stopped = False
    for p in paras:
        first = p.first
        if m := PRIORITY_HEADING.match(first):
            current = _Block(int(m.group(1)), m.group(2).strip(), p.start)
            blocks.append(current)
            action, stopped = None, False
            continue
        if current is None:
            continue
        if m := ACTION_HEADING.match(first):
            action = _action_draft(m, p, current, part)
            actions.append(action)
            stopped = False
            continue
        if action is None:
            if fm := _DEFINITION.match(p.text):
                current.fields[fm.group(1)] = clean(fm.group(2))
            current.paras.append(p)
            continue
        if stopped or is_quote(p.text):
            continue
        # poster or flyer text, or the next heading: nothing after it belongs to the action
        if not is_english(p.text) or is_heading(p.text):
            stopped = True
            continue
        action.body.append(p)  # type: ignore[union-attr]
    return blocks, actions


def _action_draft(m: re.Match[str], p: Para, block: _Block, part: str) -> Draft:
    return Draft(
        year=int(m.group(1)),
        submitter_heading="",
        country_line="",
        title=clean(m.group(2)),
        title_line=p.start,
        section=f"{part} › {block.number}. {block.name.capitalize()}",
        body=[],
        priorities=(block.number,),
    )


def _ints(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", text))


def _to_priority(block: _Block, path: Path) -> Priority:
    f = block.fields
    if "Type of Actions" not in f:
        raise CorpusError(f"priority {block.number} has no 'Type of Actions' line", path=path, line=block.line)
    return Priority(
        number=block.number,
        name=block.name.capitalize(),
        gcm_objectives=_ints(f.get("GCM Objectives", "")),
        gcr_focus_areas=tuple(x.strip() for x in re.split(r",| and ", f.get("GCR Focus Areas", "")) if x.strip()),
        sdgs=_ints(f.get("SDG Commitments", "")),
        definition=f["Type of Actions"],
        line=block.line,
    )


def _priority_section(prio: Priority, body: list[Para], part: str) -> Section:
    text = "\n\n".join(clean(x.text) for x in body)
    return Section(
        id=f"section-priority-{prio.number}",
        heading=(part, f"{prio.number}. {prio.name}"),
        text=text,
        source=Source(part, prio.line, max([x.end for x in body] + [prio.line])),
    )


def infer_priorities(text: str, priorities: list[Priority]) -> tuple[int, ...]:
    """The priorities whose own definitions (name + type of actions) best match a pledge (TF-IDF cosine)."""
    docs = [tokens(p.name + " " + p.definition) for p in priorities]
    df = Counter(t for d in docs for t in set(d))
    n = len(docs)

    def vec(words: list[str]) -> dict[str, float]:
        tf = Counter(t for t in words if t in df)
        return {t: c * math.log(1 + n / df[t]) for t, c in tf.items()}

    def cos(a: dict[str, float], b: dict[str, float]) -> float:
        num = sum(v * b.get(t, 0.0) for t, v in a.items())
        den = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
        return num / den if den else 0.0

    q = vec(tokens(text))
    scores = sorted(((cos(q, vec(d)), p.number) for d, p in zip(docs, priorities, strict=True)), reverse=True)
    picked = [scores[0][1]]
    # a second priority only when it scores nearly as well as the first
    if scores[1][0] >= 0.85 * scores[0][0] and scores[1][0] > 0:
        picked.append(scores[1][1])
    return tuple(sorted(picked))
