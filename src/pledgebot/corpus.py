"""Read the report text into Pledge and Section records, and write/read corpus/*.jsonl.

The report is the raw text of a PDF: captions, © lines, link markers, mayors' quotes, poster text in
other languages and paragraphs cut by page breaks sit between the parts we want. The parser works in
three passes: lines -> paragraphs (with their line ranges, artefacts marked), paragraphs -> blocks
(participants lists, narrative sections, priority actions, submissions), blocks -> records.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

from .errors import CorpusError
from .places import Gazetteer, ascii_form, default_gazetteer, fold
from .records import Pledge, Quote, Section, Source

SUBMISSIONS_PART = "Call to Local Action: 2023 Submissions"
PRIORITIES_PART = "Spotlight: Call to Local Action's 8 Priorities"

# Narrative parts, in report order: (anchor heading regex, part name).
PARTS = [
    (r"^FOREWORD$", "Foreword"),
    (r"^WHAT IS THE CALL TO LOCAL ACTION", "The Call to Local Action for Migrants and Refugees"),
    (r"^IMPACT OF LOCAL LEADERSHIP ON GLOBAL GOALS", "Impact of Local Leadership on Global Goals Since 2022"),
    (r"^SPOTLIGHT: CALL TO LOCAL ACTION'S 8 PRIORITIES$", PRIORITIES_PART),
    (
        r"^SPOTLIGHT: LOCAL-GLOBAL PARTNERSHIPS",
        "Spotlight: Local-Global Partnerships for the Call to Local Action",
    ),
    (r"^CALL TO LOCAL ACTION: 2023 BY THE NUMBERS$", "Call to Local Action: 2023 By the Numbers"),
    (r"^CALL TO LOCAL ACTION: 2023 SUBMISSIONS$", SUBMISSIONS_PART),
    (r"^ABOUT$", "About"),
]

PLEDGE_TYPES = {
    "mirror pledge": "Mirror",
    "mirror": "Mirror",
    "gcm only": "GCM only",
    "gcr only": "GCR only",
    "idp": "IDP",
    "idps": "IDP",
    "idp pledge": "IDP",
}

_PRIORITY_HEADING = re.compile(r"^([1-8])\. ([A-Z][A-Z ,\-–&]+)$")
_ACTION_HEADING = re.compile(r"^(2022|2023) Action\s*[–—-]\s*(.+)$")
_FIELD = re.compile(r"^(TITLE|DURATION|TYPE OF PLEDGE|PROJECT DESCRIPTION|Mayor)\s*:\s*(.*)$")
_CAPTION = re.compile(r"^(Photo( cover| above)?:|©)|©")
_LINK = re.compile(r"\[([^\]]*)\]\(#\)")
_MORE_INFO = re.compile(r"\s*More information( on this action)? \[here\]\(#\)\.?")
_YEAR = re.compile(r"\b(19[89]\d|20\d\d)\b")

_EN = set(
    [
        "the",
        "and",
        "of",
        "to",
        "in",
        "for",
        "with",
        "is",
        "are",
        "by",
        "on",
        "that",
        "this",
        "its",
        "their",
        "will",
        "as",
        "from",
        "be",
        "has",
        "have",
        "an",
    ]
)
_OTHER = set(
    [
        "el",
        "la",
        "los",
        "las",
        "del",
        "que",
        "y",
        "en",
        "para",
        "con",
        "por",
        "su",
        "sus",
        "se",
        "una",
        "un",
        "no",
        "de",
        "des",
        "le",
        "les",
        "et",
        "est",
        "pour",
        "dans",
        "du",
        "au",
        "aux",
        "une",
        "os",
        "as",
        "do",
        "da",
        "dos",
        "das",
        "em",
        "com",
        "não",
    ]
)
_STOP = set(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "in",
        "for",
        "to",
        "on",
        "at",
        "by",
        "with",
        "from",
        "its",
        "their",
        "our",
        "city",
        "municipality",
    ]
)


@dataclass
class Para:
    """A paragraph of the report: its text (lines joined) and 1-based line range."""

    text: str
    start: int
    end: int

    @property
    def first(self) -> str:
        return self.text.split("\n", 1)[0]


# --------------------------------------------------------------------------------------------------
# Pass 1: lines -> paragraphs
# --------------------------------------------------------------------------------------------------


def read_report(path: Path) -> list[str]:
    """The report's lines; a missing, empty or undecodable file is a CorpusError naming it."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CorpusError("report text not found", path=path) from None
    except OSError as exc:
        raise CorpusError(f"cannot read report text: {exc.strerror}", path=path) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CorpusError("report text is not valid UTF-8", path=path, line=line) from None
    if not text.strip():
        raise CorpusError("report text is empty", path=path, line=1)
    return text.splitlines()


def paragraphs(lines: list[str], start: int = 0, end: int | None = None) -> list[Para]:
    """Blank-line separated paragraphs of lines[start:end], numbered from 1."""
    out: list[Para] = []
    buf: list[str] = []
    first = 0
    for i in range(start, len(lines) if end is None else end):
        line = lines[i].strip()
        if line:
            if not buf:
                first = i + 1
            buf.append(line)
        elif buf:
            out.append(Para("\n".join(buf), first, i))
            buf = []
    if buf:
        out.append(Para("\n".join(buf), first, (len(lines) if end is None else end)))
    return out


def is_caption(text: str) -> bool:
    return bool(_CAPTION.search(text.split("\n", 1)[0])) and len(text) < 400


def is_english(text: str) -> bool:
    """Poster text and flyers in other languages are artefacts, not description."""
    words = re.findall(r"[^\W\d_]+", text.casefold())
    if not words:
        return not re.search(r"[^\x00-\u024f\s\d\W]", text)
    if not re.search(r"[a-z]", fold(text)):
        return False
    en = sum(w in _EN for w in words)
    other = sum(w in _OTHER for w in words)
    return en >= other


def is_quote(text: str) -> bool:
    return text.lstrip("*").startswith(("“", '"'))


def clean(text: str) -> str:
    """Description text without link markers, markdown emphasis, escapes or hard line breaks."""
    text = _MORE_INFO.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = text.replace("\\$", "$")
    text = re.sub(r"\*{1,2}([^*\n]+?)\*{1,2}", r"\1", text)
    text = text.replace("*", "")
    return re.sub(r"[ \t\n]+", " ", text).strip()


def join_broken(paras: list[Para]) -> list[Para]:
    """Re-join paragraphs that a page break cut mid-sentence (next one starts in lower case)."""
    out: list[Para] = []
    for p in paras:
        if out and p.text[:1].islower() and not re.search(r"[.!?:;”\"]\**$", out[-1].text):
            prev = out[-1]
            out[-1] = Para(prev.text + " " + p.text, prev.start, p.end)
        else:
            out.append(p)
    return out


# --------------------------------------------------------------------------------------------------
# Quotes
# --------------------------------------------------------------------------------------------------


def take_quote(paras: list[Para], i: int) -> tuple[Quote, int, int]:
    """Read the quote at paras[i] and its attribution; returns (quote, next index, last line)."""
    text = paras[i].text
    j = i
    # a quote cut by a page break goes on in the next paragraph, but never for long
    while (
        not re.search(r"[”\"]", text[1:]) and j + 1 < len(paras) and j - i < 3 and not _looks_structural(paras[j + 1])
    ):
        j += 1
        text += " " + paras[j].text
    attribution: list[str] = []
    end = paras[j].end
    k = j + 1
    while k < len(paras) and len(attribution) < 4:
        p = paras[k]
        short_lines = all(len(line) < 70 and not line.endswith(".") for line in p.text.split("\n"))
        if not short_lines or _looks_structural(p) or is_caption(p.text) or is_quote(p.text) or is_heading(p.text):
            break
        attribution.extend(line.strip().rstrip(",") for line in p.text.split("\n"))
        end = p.end
        k += 1
        if len(attribution) >= 2:
            break
    body = clean(text).strip('“”" ')
    speaker = attribution[0] if attribution else ""
    role = " ".join(attribution[1:])
    return Quote(body, clean(speaker), clean(role)), k, end


def _looks_structural(p: Para) -> bool:
    first = p.first
    return bool(_FIELD.match(first) or _ACTION_HEADING.match(first) or _PRIORITY_HEADING.match(first))


# --------------------------------------------------------------------------------------------------
# Pass 2: the report's parts
# --------------------------------------------------------------------------------------------------


def _find(lines: list[str], pattern: str, path: Path, start: int = 0) -> int:
    rx = re.compile(pattern)
    for i in range(start, len(lines)):
        if rx.search(lines[i].strip()):
            return i
    raise CorpusError(f"expected a heading matching {pattern!r} after line {start + 1}", path=path, line=start + 1)


def participants(lines: list[str], start: int, end: int) -> list[tuple[str, str, int]]:
    """(name, country, line) from a front-matter list such as "Arua, Uganda (2)" or "- Amman**, Jordan"."""
    out = []
    for i in range(start, end):
        m = re.match(r"^-?\s*(.+?)\**,\s*(.+?)(?:\s*\((\d+)\))?$", lines[i].strip())
        if m:
            out.append((m.group(1).strip("* "), m.group(2).strip(), i + 1))
        elif lines[i].strip().startswith("Mayors Mechanism - "):
            out.append((lines[i].split("-", 1)[1].strip(), lines[i].split("-", 1)[1].strip(), i + 1))
    return out


def is_heading(text: str) -> bool:
    """An ALL-CAPS line: a heading in the report (or a submitter's name in the submissions)."""
    if "\n" in text or len(text) < 4 or len(text) > 160:
        return False
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(not c.islower() for c in letters) and not is_caption(text)


@dataclass
class _Draft:
    """A pledge while it is being read: raw fields and the paragraphs of its description."""

    year: int
    submitter_heading: str
    country_line: str
    title: str
    title_line: int
    section: str
    mayor: str | None = None
    duration: str | None = None
    pledge_type: str | None = None
    body: list[Para] | None = None
    priorities: tuple[int, ...] = ()
    quotes: tuple[Quote, ...] = ()


@dataclass(frozen=True)
class Priority:
    number: int
    name: str
    gcm_objectives: tuple[int, ...]
    gcr_focus_areas: tuple[str, ...]
    sdgs: tuple[int, ...]
    definition: str
    line: int


def _ints(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", text))


def parse_priorities(
    lines: list[str], start: int, end: int, path: Path
) -> tuple[list[Priority], list[_Draft], list[Section]]:
    """The eight priorities' definitions, the actions they highlight, and their narrative sections."""
    paras = join_broken([p for p in paragraphs(lines, start, end) if not is_caption(p.text)])
    priorities: list[Priority] = []
    actions: list[_Draft] = []
    sections: list[Section] = []
    current: dict | None = None
    action: _Draft | None = None
    stopped = False
    for p in paras:
        first = p.first
        if m := _PRIORITY_HEADING.match(first):
            current = {"number": int(m.group(1)), "name": m.group(2).strip(), "line": p.start, "fields": {}}
            current["paras"] = []
            priorities.append(current)  # type: ignore[arg-type]
            action, stopped = None, False
            continue
        if current is None:
            continue
        if m := _ACTION_HEADING.match(first):
            action = _Draft(
                year=int(m.group(1)),
                submitter_heading="",
                country_line="",
                title=clean(m.group(2)),
                title_line=p.start,
                section=f"{PRIORITIES_PART} › {current['number']}. {current['name'].capitalize()}",
                body=[],
                priorities=(current["number"],),
            )
            actions.append(action)
            stopped = False
            continue
        if action is None:
            fm = re.match(r"^(GCM Objectives|GCR Focus Areas|SDG Commitments|Type of Actions):\s*(.*)$", p.text, re.S)
            if fm:
                current["fields"][fm.group(1)] = clean(fm.group(2))
            current["paras"].append(p)
            continue
        if stopped or is_quote(p.text):
            continue
        if not is_english(p.text) or is_heading(p.text):
            stopped = True
            continue
        action.body.append(p)  # type: ignore[union-attr]
    result = []
    for pr in priorities:
        f = pr["fields"]  # type: ignore[index]
        if "Type of Actions" not in f:
            raise CorpusError(f"priority {pr['number']} has no 'Type of Actions' line", path=path, line=pr["line"])
        prio = Priority(
            number=pr["number"],  # type: ignore[index]
            name=pr["name"].capitalize(),  # type: ignore[index]
            gcm_objectives=_ints(f.get("GCM Objectives", "")),
            gcr_focus_areas=tuple(x.strip() for x in re.split(r",| and ", f.get("GCR Focus Areas", "")) if x.strip()),
            sdgs=_ints(f.get("SDG Commitments", "")),
            definition=f["Type of Actions"],
            line=pr["line"],  # type: ignore[index]
        )
        result.append(prio)
        body = pr["paras"]  # type: ignore[index]
        text = "\n\n".join(clean(x.text) for x in body)
        sections.append(
            Section(
                id=f"section-priority-{prio.number}",
                heading=(PRIORITIES_PART, f"{prio.number}. {prio.name}"),
                text=text,
                source=Source(PRIORITIES_PART, prio.line, max([x.end for x in body] + [prio.line])),
            )
        )
    if len(result) != 8:
        raise CorpusError(f"expected the 8 priorities, found {len(result)}", path=path, line=start + 1)
    for a in actions:
        if not a.body:
            raise CorpusError(f"action {a.title!r} has no text", path=path, line=a.title_line)
    return result, actions, sections


def parse_submissions(lines: list[str], start: int, end: int, path: Path) -> tuple[list[_Draft], list[Quote]]:
    """The 2023 submissions: one block per submitter, TITLE/DURATION/TYPE/DESCRIPTION per pledge."""
    paras = join_broken([p for p in paragraphs(lines, start, end) if not is_caption(p.text)])
    drafts: list[_Draft] = []
    quotes: list[tuple[Quote, str]] = []  # (quote, heading of the block it appeared in)
    heading = country = ""
    mayor: str | None = None
    pending: list[_Draft] = []  # titles still waiting for their description (Buenos Aires prints both first)
    current: _Draft | None = None
    stopped = False
    i = 0
    while i < len(paras):
        p = paras[i]
        first = p.first
        if is_heading(p.text) and i + 1 < len(paras) and _is_submitter_start(paras, i):
            heading, country = p.text, paras[i + 1].first
            mayor, current, stopped = None, None, False
            if pending:
                raise CorpusError(
                    f"title {pending[0].title!r} has no PROJECT DESCRIPTION",
                    path=path,
                    line=pending[0].title_line,
                )
            rest = paras[i + 1].text.split("\n")[1:]
            i += 2
            if rest and rest[0].startswith("Mayor"):
                mayor = clean(rest[0].split(":", 1)[1])
            continue
        if is_quote(p.text):
            quote, i, _ = take_quote(paras, i)
            quotes.append((quote, heading))
            continue
        fm = _FIELD.match(first)
        if fm:
            name, value = fm.group(1), fm.group(2).strip()
            extra = [clean(x) for x in p.text.split("\n")[1:]]
            if name == "Mayor":
                mayor = clean(" ".join([value, *extra]).replace("/ ", "/ "))
            elif name == "TITLE":
                if not heading:
                    raise CorpusError("TITLE before any submitter heading", path=path, line=p.start)
                draft = _Draft(
                    2023, heading, country, clean(" ".join([value, *extra])), p.start, SUBMISSIONS_PART, mayor
                )
                drafts.append(draft)
                pending.append(draft)
                current, stopped = None, False
            elif name in ("DURATION", "TYPE OF PLEDGE"):
                if not pending:
                    raise CorpusError(f"{name} without a TITLE", path=path, line=p.start)
                target = pending[-1]
                if name == "DURATION":
                    target.duration = clean(value)
                else:
                    key = fold(clean(value))
                    if key not in PLEDGE_TYPES:
                        raise CorpusError(f"unknown TYPE OF PLEDGE {value!r}", path=path, line=p.start)
                    target.pledge_type = PLEDGE_TYPES[key]
            else:  # PROJECT DESCRIPTION
                if not pending:
                    raise CorpusError("PROJECT DESCRIPTION without a TITLE", path=path, line=p.start)
                current = pending.pop(0)
                current.body = [Para(value, p.start, p.end)] if value else []
                stopped = False
            i += 1
            continue
        if current is not None and not stopped:
            if not is_english(p.text) or is_heading(p.text):
                stopped = True  # poster or flyer text: nothing after it belongs to the description
            else:
                current.body.append(p)  # type: ignore[union-attr]
        i += 1
    if pending:
        raise CorpusError(
            f"title {pending[0].title!r} has no PROJECT DESCRIPTION", path=path, line=pending[0].title_line
        )
    for d in drafts:
        if d.pledge_type is None:
            raise CorpusError(f"pledge {d.title!r} has no TYPE OF PLEDGE", path=path, line=d.title_line)
        if not d.body:
            raise CorpusError(f"pledge {d.title!r} has an empty PROJECT DESCRIPTION", path=path, line=d.title_line)
    return drafts, quotes  # type: ignore[return-value]


def _is_submitter_start(paras: list[Para], i: int) -> bool:
    """A submitter heading is followed by its country line and, soon after, a Mayor or TITLE line."""
    nxt = paras[i + 1]
    if is_caption(nxt.text) or _FIELD.match(nxt.first) or is_heading(nxt.first):
        return False
    return any(any(_FIELD.match(line) for line in p.text.split("\n")) for p in paras[i + 1 : i + 4])


# --------------------------------------------------------------------------------------------------
# Narrative sections
# --------------------------------------------------------------------------------------------------


def parse_sections(lines: list[str], spans: list[tuple[int, int, str]]) -> list[Section]:
    """Narrative sections: each ALL-CAPS heading starts one, under the report part it belongs to."""
    sections: list[Section] = []
    seen: Counter[str] = Counter()
    for start, end, part in spans:
        paras = join_broken([p for p in paragraphs(lines, start, end) if not is_caption(p.text)])
        heading = part
        body: list[str] = []
        first_line = last_line = start + 1

        i = 0
        while i < len(paras):
            p = paras[i]
            if is_heading(p.text) and not is_quote(p.text):
                _add_section(sections, seen, part, heading, body, first_line, last_line)
                heading, body, first_line = _title_case(p.text), [], p.start
                last_line = p.end
                i += 1
                continue
            if is_quote(p.text):
                quote, i, last = take_quote(paras, i)
                who = ", ".join(x for x in (quote.speaker, quote.role) if x)
                body.append(f"“{quote.text}” — {who}" if who else f"“{quote.text}”")
                last_line = last
                continue
            if not is_english(p.text):
                i += 1
                continue
            words = p.text.split()
            if len(words) < 4 and not p.text.rstrip("*").endswith((".", ":")):
                i += 1  # a chart or graphic label
                continue
            body.append(clean(p.text))
            last_line = p.end
            i += 1
        _add_section(sections, seen, part, heading, body, first_line, last_line)
    return sections


def _add_section(
    sections: list[Section], seen: Counter[str], part: str, heading: str, body: list[str], first: int, last: int
) -> None:
    """Append a narrative section unless it is empty or only graphic labels (they never end a sentence)."""
    text = "\n\n".join(body).strip()
    has_sentence = any(re.search(r"[.!?”]\**$", b) for b in body)
    if len(text.split()) < 12 or not has_sentence:
        return
    key = re.sub(r"[^a-z0-9]+", "-", fold(heading)).strip("-")[:60]
    seen[key] += 1
    sid = f"section-{key}" + (f"-{seen[key]}" if seen[key] > 1 else "")
    path = (part,) if fold(heading) == fold(part) else (part, heading)
    sections.append(Section(sid, path, text, Source(part, first, last)))


_SMALL = {"a", "an", "and", "at", "by", "for", "in", "of", "on", "the", "to", "with", "from", "since", "into"}
_ACRONYMS = {
    "uclg",
    "mmc",
    "iom",
    "unhcr",
    "imrf",
    "lrg",
    "lrgs",
    "gcm",
    "gcr",
    "sdg",
    "sdgs",
    "gcf",
    "un",
    "hlpf",
    "gfmd",
    "idp",
    "idps",
    "c40",
    "eu",
}


def _title_case(text: str) -> str:
    """A report heading in ALL CAPS, as a person would write it."""
    out = []
    for n, w in enumerate(clean(text).split()):
        lw = w.lower()
        core = re.sub(r"\W", "", lw)
        if core in _ACRONYMS:
            out.append(w.upper())
        elif n and lw in _SMALL:
            out.append(lw)
        else:
            out.append(re.sub(r"^(\W*)(\w)", lambda m: m.group(1) + m.group(2).upper(), lw))
    return " ".join(out)


# --------------------------------------------------------------------------------------------------
# Pass 3: records
# --------------------------------------------------------------------------------------------------


def slug(text: str, words: int = 0, drop: set[str] | None = None) -> str:
    text = re.sub(r"[’']s\b", "", text)
    tokens = re.findall(r"[a-z0-9]+", ascii_form(text).lower())
    if drop is not None:
        tokens = [t for t in tokens if t not in drop] or tokens
    if words:
        tokens = tokens[:words]
    return "-".join(tokens)


def parse_duration(duration: str | None) -> tuple[int | None, int | None, bool]:
    """(start_year, end_year, ongoing) read from a DURATION line such as "Oct 2023 – Ongoing"."""
    if not duration:
        return None, None, False
    years = [int(y) for y in _YEAR.findall(duration)]
    ongoing = "ongoing" in duration.casefold()
    if not years:
        return None, None, ongoing
    start = years[0]
    end = None if ongoing else years[-1]
    return start, end, ongoing


def _tokens(text: str) -> list[str]:
    return [t for t in re.findall(r"[a-z]{3,}", fold(text)) if t not in _STOP]


def infer_priorities(text: str, priorities: list[Priority]) -> tuple[int, ...]:
    """The priorities whose own definitions (name + type of actions) best match a pledge (TF-IDF cosine)."""
    docs = [_tokens(p.name + " " + p.definition) for p in priorities]
    df = Counter(t for d in docs for t in set(d))
    n = len(docs)

    def vec(tokens: list[str]) -> dict[str, float]:
        tf = Counter(t for t in tokens if t in df)
        return {t: c * math.log(1 + n / df[t]) for t, c in tf.items()}

    def cos(a: dict[str, float], b: dict[str, float]) -> float:
        num = sum(v * b.get(t, 0.0) for t, v in a.items())
        den = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
        return num / den if den else 0.0

    q = vec(_tokens(text))
    scores = sorted(((cos(q, vec(d)), p.number) for d, p in zip(docs, priorities, strict=True)), reverse=True)
    picked = [scores[0][1]]
    if scores[1][0] >= 0.85 * scores[0][0] and scores[1][0] > 0:
        picked.append(scores[1][1])
    return tuple(sorted(picked))


@dataclass(frozen=True)
class Corpus:
    """Everything parsed from the report."""

    pledges: tuple[Pledge, ...]
    sections: tuple[Section, ...]
    priorities: tuple[Priority, ...]

    def pledge(self, pledge_id: str) -> Pledge:
        for p in self.pledges:
            if p.id == pledge_id:
                return p
        raise KeyError(pledge_id)


def parse_report(path: Path, gazetteer: Gazetteer | None = None) -> Corpus:
    """Parse the report text at `path` into pledges and sections; CorpusError names file and line."""
    gaz = gazetteer or default_gazetteer()
    lines = read_report(path)
    i2022 = _find(lines, r"^2022 ACTIONS$", path)
    i2023 = _find(lines, r"^2023 ACTIONS$", path, i2022)
    icontent = _find(lines, r"^CONTENT", path, i2023)
    anchors = []
    pos = icontent
    for pattern, name in PARTS:
        idx = _find(lines, pattern, path, pos)
        anchors.append((idx, name))
        pos = idx + 1
    spans = [
        (a, (anchors[k + 1][0] if k + 1 < len(anchors) else len(lines)), name) for k, (a, name) in enumerate(anchors)
    ]

    list2022 = participants(lines, i2022 + 1, i2023)
    list2023 = participants(lines, i2023 + 1, icontent)
    if not list2022 or not list2023:
        raise CorpusError("the participants lists are empty", path=path, line=i2022 + 1)

    pr_start = next(a for a, _, n in spans if n == PRIORITIES_PART)
    pr_end = next(e for _, e, n in spans if n == PRIORITIES_PART)
    first_priority = _find(lines, _PRIORITY_HEADING.pattern, path, pr_start)
    priorities, actions, priority_sections = parse_priorities(lines, first_priority, pr_end, path)

    sub_start = next(a for a, _, n in spans if n == SUBMISSIONS_PART)
    sub_end = next(e for _, e, n in spans if n == SUBMISSIONS_PART)
    first_title = _find(lines, r"^TITLE:", path, sub_start)
    intro_end = first_title
    while intro_end > sub_start and not is_heading(lines[intro_end].strip()):
        intro_end -= 1
    drafts, quotes = parse_submissions(lines, intro_end, sub_end, path)
    if not drafts:
        raise CorpusError("no pledges found in the 2023 submissions", path=path, line=sub_start + 1)

    narrative = [
        (a, first_priority if n == PRIORITIES_PART else (intro_end if n == SUBMISSIONS_PART else e), n)
        for a, e, n in spans
    ]
    sections = parse_sections(lines, narrative)
    by_part = {s.heading[0]: k for k, s in enumerate(sections) if s.heading[0] == PRIORITIES_PART}
    insert_at = by_part.get(PRIORITIES_PART, len(sections)) + 1
    sections[insert_at:insert_at] = priority_sections

    pledges = _build_pledges(drafts, actions, quotes, priorities, list2022, list2023, gaz, path)
    return Corpus(tuple(pledges), tuple(sections), tuple(priorities))


def _resolve_submitter(heading: str, country_line: str, list2023: list[tuple[str, str, int]], gaz: Gazetteer):
    country = gaz.match_country(country_line)
    if country is None:
        country = gaz.match_country(country_line, cutoff=70)
    cname = country.name if country else country_line.strip()
    name = re.sub(r"\s*\(.*\)$", "", heading).strip()
    name = re.sub(r"^CITY\s+", "", name)
    sub = gaz.match_submitter(name) or gaz.match_submitter(name, country=cname, cutoff=70)
    listed = [n for n, _, _ in list2023 if fuzz.partial_ratio(fold(n), fold(name)) >= 85]
    return sub, cname, name, listed


def _build_pledges(drafts, actions, quotes, priorities, list2022, list2023, gaz: Gazetteer, path: Path) -> list[Pledge]:
    prio_by_num = {p.number: p for p in priorities}
    records: list[dict] = []

    def base(sub, fallback_name: str, country: str, spellings: list[str]) -> dict:
        if sub is not None:
            name, kind, countries = sub.name, sub.kind, sub.countries
            aliases = [*sub.aliases]
        else:
            name = fallback_name.title()
            kind = (
                "organization"
                if re.search(r"council|alliance|network|association|cities|america", fold(name))
                else "city"
            )
            countries, aliases = (country,), []
        region = gaz.region_of(countries[0]) if countries else "Global"
        alias_list: list[str] = []
        for a in [*spellings, *aliases, *(ascii_form(x) for x in [name, *spellings, *aliases])]:
            a = a.strip()
            if a and a != name and a not in alias_list:
                alias_list.append(a)
        return {
            "submitter": name,
            "submitter_kind": kind,
            "country": countries[0] if countries else country,
            "countries": tuple(countries) if countries else (country,),
            "region": region,
            "aliases": tuple(alias_list),
        }

    # 2023 submissions
    for d in drafts:
        sub, cname, name, listed = _resolve_submitter(d.submitter_heading, d.country_line, list2023, gaz)
        rec = base(sub, name, cname, [d.submitter_heading.title(), name.title(), *listed])
        rec.update(_common(d))
        records.append(rec)

    # Priority actions: 2023 ones merge into their submission; 2022 ones become records.
    for a in actions:
        if a.year == 2023:
            best, score = None, 0.0
            for rec in records:
                if rec["year"] != 2023:
                    continue
                s = fuzz.token_set_ratio(fold(a.title), fold(rec["title"]))
                body = " ".join(x.text for x in a.body or [])
                s2 = fuzz.partial_ratio(fold(body[:300]), fold(rec["description"]))
                s = max(s, s2)
                if s > score:
                    best, score = rec, s
            if best is None or score < 80:
                raise CorpusError(f"2023 action {a.title!r} matches no 2023 submission", path=path, line=a.title_line)
            best["priorities"] = tuple(sorted(set(best["priorities"]) | set(a.priorities)))
            best["priorities_inferred"] = False
            continue
        text = a.title + " " + " ".join(x.text for x in a.body or [])
        found = gaz.find_submitters_in(a.title) or gaz.find_submitters_in(text)
        sub = found[0] if found else None
        if sub is None:
            raise CorpusError(f"cannot tell who submitted the 2022 action {a.title!r}", path=path, line=a.title_line)
        listed = [
            (n, c) for n, c, _ in list2022 if gaz.submitter(n) is sub or fuzz.ratio(fold(n), fold(sub.name)) >= 90
        ]
        country = sub.country
        for _, c in listed:
            if (gc := gaz.match_country(c)) and gc.name in sub.countries:
                country = gc.name
        rec = base(sub, sub.name, country, [n for n, _ in listed])
        rec.update(_common(a))
        records.append(rec)

    # priorities for the rest, inferred from the report's own definitions
    for rec in records:
        if not rec["priorities"]:
            rec["priorities"] = infer_priorities(rec["title"] + " " + rec["description"], priorities)
            rec["priorities_inferred"] = True
        ps = [prio_by_num[n] for n in rec["priorities"]]
        rec["gcm_objectives"] = tuple(sorted({o for p in ps for o in p.gcm_objectives}))
        rec["gcr_focus_areas"] = tuple(dict.fromkeys(f for p in ps for f in p.gcr_focus_areas))
        rec["sdgs"] = tuple(sorted({g for p in ps for g in p.sdgs}))

    # quotes belong to the submitter their attribution names, else to the block they were printed in
    for quote, heading in quotes:
        owner = None
        for cand in gaz.find_submitters_in(quote.speaker + " " + quote.role):
            owner = cand.name
            break
        if owner is None:
            for rec in records:
                if rec["mayor"] and fold(quote.speaker) and fold(quote.speaker) in fold(rec["mayor"]):
                    owner = rec["submitter"]
                    break
        if owner is None:
            heading_sub = _resolve_submitter(heading, "", list2023, gaz)[0] if heading else None
            owner = heading_sub.name if heading_sub else None
        targets = [r for r in records if r["submitter"] == owner and r["year"] == 2023]
        if targets:
            # a submitter with several pledges: the quote goes with the one it talks about
            words = set(_tokens(quote.text))
            target = max(targets, key=lambda r: len(words & set(_tokens(r["title"] + " " + r["description"]))))
            target["quotes"] = (*target["quotes"], quote)

    # ids: year, submitter, short title; stable across parses
    used: Counter[str] = Counter()
    for rec in records:
        drop = _STOP | set(slug(rec["submitter"]).split("-")) | {"s"}
        rid = f"{rec['year']}-{slug(rec['submitter'], 3, _STOP)}-{slug(rec['title'], 4, drop)}"
        used[rid] += 1
        rec["id"] = rid if used[rid] == 1 else f"{rid}-{used[rid]}"

    # joint pledges: each one's title names the other submitter
    for rec in records:
        for other in records:
            if other is rec or other["year"] != rec["year"] or other["submitter"] == rec["submitter"]:
                continue
            names_other = {fold(x) for x in (other["submitter"], *other["aliases"])}
            names_self = {fold(x) for x in (rec["submitter"], *rec["aliases"])}
            if any(re.search(rf"\b{re.escape(n)}\b", fold(rec["title"])) for n in names_other) and any(
                re.search(rf"\b{re.escape(n)}\b", fold(other["title"])) for n in names_self
            ):
                rec["joint_with"] = other["id"]

    pledges = [Pledge.from_dict(_to_pledge_dict(r)) for r in records]
    pledges.sort(key=lambda p: (-p.year, fold(p.submitter), p.source.line_start))
    return pledges


def _common(d: _Draft) -> dict:
    body = d.body or []
    description = "\n\n".join(c for c in (clean(p.text) for p in body) if c)
    start, end, ongoing = parse_duration(d.duration)
    last = max([p.end for p in body] + [d.title_line])
    gcf = bool(re.search(r"(supported by|support from|support of) the Global Cities Fund", description))
    return {
        "year": d.year,
        "title": d.title,
        "mayor": d.mayor,
        "duration": d.duration,
        "start_year": start,
        "end_year": end,
        "ongoing": ongoing,
        "pledge_type": d.pledge_type,
        "priorities": d.priorities,
        "priorities_inferred": False,
        "description": description,
        "quotes": (),
        "joint_with": None,
        "gcf_supported": gcf,
        "source": {
            "section": d.section if d.year == 2022 else f"{SUBMISSIONS_PART} › {d.submitter_heading.title()}",
            "line_start": d.title_line,
            "line_end": last,
        },
    }


def _to_pledge_dict(rec: dict) -> dict:
    out = dict(rec)
    out["quotes"] = [q.__dict__ for q in rec["quotes"]]
    return out


# --------------------------------------------------------------------------------------------------
# JSON Lines
# --------------------------------------------------------------------------------------------------


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_records(corpus: Corpus, pledges_path: Path, sections_path: Path) -> None:
    """Write both JSONL files atomically (a failed run leaves the previous files untouched)."""
    dump = lambda rec: json.dumps(rec.to_dict(), ensure_ascii=False)  # noqa: E731
    _atomic_write(pledges_path, "".join(dump(p) + "\n" for p in corpus.pledges))
    _atomic_write(sections_path, "".join(dump(s) + "\n" for s in corpus.sections))


def _read_jsonl(path: Path, build):
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CorpusError("records file not found; run `pledgebot corpus build`", path=path) from None
    except UnicodeDecodeError:
        raise CorpusError("records file is not valid UTF-8", path=path) from None
    out = []
    for n, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(build(json.loads(line)))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise CorpusError(f"malformed record: {exc}", path=path, line=n) from None
    if not out:
        raise CorpusError("records file is empty; run `pledgebot corpus build`", path=path)
    return out


def read_pledges(path: Path) -> list[Pledge]:
    """Pledges from a JSONL file; errors name the file and line."""
    return _read_jsonl(path, Pledge.from_dict)


def read_sections(path: Path) -> list[Section]:
    """Sections from a JSONL file; errors name the file and line."""
    return _read_jsonl(path, Section.from_dict)


def records_fingerprint(pledges: list[Pledge], sections: list[Section]) -> str:
    """A hash of the records' content: the index is rebuilt when it changes."""
    h = hashlib.sha256()
    for rec in [*pledges, *sections]:
        h.update(json.dumps(rec.to_dict(), sort_keys=True, ensure_ascii=False).encode())
    return h.hexdigest()[:16]


__all__ = [
    "Corpus",
    "Priority",
    "parse_report",
    "read_pledges",
    "read_sections",
    "records_fingerprint",
    "write_records",
]
