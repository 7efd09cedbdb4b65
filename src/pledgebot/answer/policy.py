"""Abstention as one policy: every "the report has nothing" is said here, naming what was looked for.

An abstention says what was looked for and why nothing answers: a place no record has, filters nothing
matches, a filter that rules out the place the question names, a topic no pledge answers, a figure the
report does not give. Handlers never word these themselves.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..query import Query
from ..records import Answer, Decision
from .render import describe, reply

REPORT = "the 2023 report"  # the edition the records come from (one edition today)


def assist(q: Query) -> Answer:
    text = (
        f"PledgeBot answers questions about what local governments pledged in {REPORT}; it cannot help with "
        "personal cases, other tasks or facts outside the report."
    )
    return reply(q, "policy", "a request outside the report", text, abstained=True)


def unknown_place(q: Query, names: Sequence[str]) -> Answer:
    name = ", ".join(names)
    return reply(q, "policy", f"no record is from {name}", f"No pledge from {name} is in {REPORT}.", abstained=True)


def unknown_topic(q: Query, names: Sequence[str]) -> Answer:
    name = ", ".join(names)
    text = f"No pledge in {REPORT} mentions {name}."
    return reply(q, "policy", f"no record uses {name}", text, abstained=True)


def narrative_only(q: Query, names: Sequence[str], where: Sequence[str]) -> Answer:
    """A name the narrative uses that has no pledge of its own ("What has Daejeon pledged?")."""
    name = ", ".join(names)
    text = f"No pledge from {name} is in {REPORT}."
    if where:
        text += f" The report mentions {name} in: {'; '.join(where)}."
    return reply(q, "policy", f"{name} is named in the narrative but made no pledge", text, abstained=True)


def nothing_for(q: Query, reason: str = "no record matches the filters") -> Answer:
    """No pledge passes the filters."""
    f = q.filters
    if f.has_place():
        rest = describe(f.without_place())
        extra = f" matching {rest}" if rest != "pledges" else ""
        text = f"No pledge from {f.place_name()}{extra} is in {REPORT}."
    else:
        text = f"No {describe(f)} are in {REPORT}."
    return reply(q, "policy", reason, text, abstained=True)


def conflict(q: Query, named: Sequence[str], explicit: str) -> Answer:
    """An explicit filter (set in the app or on the command line) rules out the place the question names."""
    who = ", ".join(named)
    text = (
        f"The filter you set ({explicit}) leaves out {who}, which your question names, so nothing matches both. "
        f"Clear the filter to see {who}'s pledges."
    )
    return reply(q, "policy", "an explicit filter excludes the place the question names", text, abstained=True)


def nothing_on(q: Query, handler: str, reason: str, decisions: Sequence[Decision] = ()) -> Answer:
    scope = f" from {q.filters.place_name()}" if q.filters.has_place() else ""
    text = f"{REPORT.capitalize()} has no pledge{scope} that answers this."
    return reply(q, handler, reason, text, abstained=True, decisions=decisions)


def no_figure(q: Query, decisions: Sequence[Decision] = ()) -> Answer:
    text = f"{REPORT.capitalize()} gives no figure that answers this."
    return reply(q, "figures", "the closest sentences give no such figure", text, abstained=True, decisions=decisions)


def no_quote(q: Query) -> Answer:
    text = f"None of the quotes in {REPORT} says this."
    return reply(q, "quotes", "no printed quote is close enough", text, abstained=True)
