"""The records PledgeBot passes around: pledges and report sections in, answers out. No I/O here."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

PLEDGE_TYPES = ("Mirror", "GCM only", "GCR only", "IDP")
SUBMITTER_KINDS = ("city", "region", "organization", "national government")
REGIONS = (
    "Africa",
    "Asia-Pacific",
    "Europe",
    "Latin America and the Caribbean",
    "Middle East and North Africa",
    "North America",
    "Global",
)


@dataclass(frozen=True)
class Source:
    """Where a record sits: its section heading and 1-based inclusive line range in its report's text, or,
    for a pledge ingested from a table (`file` set), the lines of that file that hold its row."""

    section: str
    line_start: int
    line_end: int
    file: str = ""  # empty: the lines count in the text of the record's report

    def __str__(self) -> str:
        return f"{self.file or self.section}, {self.lines()}"

    def lines(self) -> str:
        """"line 12" or "lines 12–15"."""
        if self.line_start == self.line_end:
            return f"line {self.line_start}"
        return f"lines {self.line_start}–{self.line_end}"


@dataclass(frozen=True)
class Quote:
    """A quote printed beside a submitter's pledge, kept apart from the description."""

    text: str
    speaker: str
    role: str = ""


@dataclass(frozen=True)
class Pledge:
    """One pledge (a submission, or an action a report highlights), from the report (edition) `report`."""

    id: str
    year: int
    submitter: str
    submitter_kind: str
    country: str
    region: str
    title: str
    description: str
    source: Source
    countries: tuple[str, ...] = ()
    mayor: str | None = None
    aliases: tuple[str, ...] = ()
    duration: str | None = None
    start_year: int | None = None
    end_year: int | None = None
    ongoing: bool = False
    pledge_type: str | None = None
    priorities: tuple[int, ...] = ()
    priorities_inferred: bool = False
    gcm_objectives: tuple[int, ...] = ()
    gcr_focus_areas: tuple[str, ...] = ()
    sdgs: tuple[int, ...] = ()
    joint_with: str | None = None
    gcf_supported: bool = False
    quotes: tuple[Quote, ...] = ()
    report: str = ""  # the id of the edition it comes from (data/reports.yaml); ids are unique across editions

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Pledge:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            msg = f"unknown pledge field(s): {', '.join(sorted(unknown))}"
            raise ValueError(msg)
        values = dict(data)
        values["source"] = Source(**values["source"])
        values["quotes"] = tuple(Quote(**q) for q in values.get("quotes", ()))
        for name in ("countries", "aliases", "priorities", "gcm_objectives", "gcr_focus_areas", "sdgs"):
            values[name] = tuple(values.get(name, ()))
        return cls(**values)


@dataclass(frozen=True)
class Section:
    """A stretch of the report's narrative (foreword, trends, priorities' definitions, spotlights...)."""

    id: str
    heading: tuple[str, ...]
    text: str
    source: Source
    report: str = ""

    @property
    def title(self) -> str:
        return " › ".join(self.heading)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Section:
        values = dict(data)
        values["source"] = Source(**values["source"])
        values["heading"] = tuple(values["heading"])
        return cls(**values)


@dataclass(frozen=True)
class Passage:
    """A window of sentences from one record: the unit that is embedded and searched."""

    id: str
    doc_id: str
    kind: str  # "pledge" or "section"
    text: str
    position: int


@dataclass(frozen=True)
class Hit:
    """A pledge or section found for a query, with its best-matching passages."""

    doc_id: str
    kind: str
    score: float
    passages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Citation:
    """A numbered source in an answer: a verbatim excerpt and where it comes from."""

    n: int
    id: str
    kind: str
    submitter: str | None
    country: str | None
    year: int | None
    title: str
    excerpt: str
    source: Source
    pledge_type: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["source"] = {
            "section": self.source.section,
            "line_start": self.source.line_start,
            "line_end": self.source.line_end,
        }
        if self.source.file:  # a pledge ingested from a table: the lines are that file's
            data["source"]["file"] = self.source.file
        return data


@dataclass(frozen=True)
class Decision:
    """One relevance decision: a record the answer considered, how likely it answers, and whether it was kept."""

    id: str
    probability: float
    kept: bool

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "probability": round(self.probability, 3), "kept": self.kept}


@dataclass(frozen=True)
class Route:
    """How a question became this answer: what was read, which handler answered and why.

    It is what the app's "how I read your question" line shows and `ask --json` returns as `route`, so a
    miss can be diagnosed without a debugger.
    """

    handler: str
    reason: str
    intent: str
    intent_scores: dict[str, float] = field(default_factory=dict)
    facets: tuple[dict[str, str], ...] = ()  # {"words", "kind", "value"}: what the question named
    topic: tuple[str, ...] = ()  # the words left to search for
    chatter: tuple[str, ...] = ()  # words that only say what kind of answer is wanted
    corrections: tuple[tuple[str, str], ...] = ()  # (as typed, read as)
    unplaced: tuple[str, ...] = ()  # topic words no record uses
    set_aside: tuple[str, ...] = ()  # words in "rather than …" clauses
    followup: str = ""  # what a follow-up kept from the previous question
    decisions: tuple[Decision, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "handler": self.handler,
            "reason": self.reason,
            "intent": self.intent,
            "intent_scores": {k: round(v, 3) for k, v in self.intent_scores.items()},
            "facets": [dict(f) for f in self.facets],
            "topic": list(self.topic),
            "chatter": list(self.chatter),
            "corrections": [list(c) for c in self.corrections],
            "unplaced": list(self.unplaced),
            "set_aside": list(self.set_aside),
            "followup": self.followup,
            "decisions": [d.to_dict() for d in self.decisions],
        }

    def summary(self) -> str:
        """One line for people: what the question was read as."""
        parts = [f"read as {self.intent}"]
        if self.facets:
            parts.append("naming " + ", ".join(f"{f['kind']} {f['value']}" for f in self.facets))
        if self.topic:
            parts.append("about “" + " ".join(self.topic) + "”")
        if self.corrections:
            parts.append("reading " + ", ".join(f"“{a}” as {b}" for a, b in self.corrections))
        if self.unplaced:
            parts.append("no record uses " + ", ".join(f"“{w}”" for w in self.unplaced))
        if self.followup:
            parts.append(self.followup)
        return "; ".join(parts) + f" → {self.handler} ({self.reason})"


@dataclass(frozen=True)
class Answer:
    """What PledgeBot says: markdown text, its citations in rank order, and whether it abstained.

    `filters` is the typed `pledgebot.filters.Filters` in force; it becomes a dict only in `to_dict()`.
    """

    question: str
    text: str
    citations: tuple[Citation, ...] = ()
    abstained: bool = False
    filters: Any = None
    intent: str = "find"
    total_matches: int | None = None
    number: float | None = None
    notes: tuple[str, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)
    route: Route | None = None
    more: tuple[str, ...] = ()  # ids of further matches, best first: counted in total_matches, not quoted

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "citations": [c.to_dict() for c in self.citations],
            "filters": self.filters.to_dict() if self.filters is not None else {},
            "intent": self.intent,
            "total_matches": self.total_matches,
            "more": list(self.more),
            "number": self.number,
            "notes": list(self.notes),
            "timings_ms": self.timings_ms,
            "route": self.route.to_dict() if self.route is not None else None,
        }
