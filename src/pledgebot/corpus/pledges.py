"""Pass 3: drafts -> Pledge records: who submitted each, priorities, quotes, stable ids and joint pledges."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz

from ..errors import CorpusError
from ..places import Gazetteer, Submitter, ascii_form, fold
from ..records import Pledge, Quote
from .drafts import Draft, draft_fields
from .parts import Listed
from .priorities import Priority, infer_priorities
from .text import STOP, tokens


def build_pledges(
    drafts: list[Draft],
    actions: list[Draft],
    quotes: list[tuple[Quote, str]],
    priorities: list[Priority],
    list2022: list[Listed],
    list2023: list[Listed],
    gaz: Gazetteer,
    path: Path,
) -> list[Pledge]:
    """The pledges, sorted newest year first, then by submitter and place in the report."""
    records = [_submission_record(d, list2023, gaz, path) for d in drafts]
    year = max(d.year for d in drafts)  # the submissions' year (2023 in the 2023 report)
    # Priority actions: the submissions' year's merge into their submission; earlier ones become records.
    for a in actions:
        if a.year == year:
            _merge_action(a, records, year, path)
        else:
            records.append(_action_record(a, list2022, gaz, path))
    _add_priority_fields(records, priorities)
    for quote, heading in quotes:
        _attach_quote(quote, heading, records, list2023, gaz, year)
    _assign_ids(records)
    _link_joint_pledges(records)
    pledges = [Pledge.from_dict(_to_pledge_dict(r)) for r in records]
    for p in pledges:
        _check_attribution(p, gaz, path)
    pledges.sort(key=lambda p: (-p.year, fold(p.submitter), p.source.line_start))
    return pledges


def _check_attribution(p: Pledge, gaz: Gazetteer, path: Path) -> None:
    """A pledge that never names its submitter but names another one sits under the wrong heading (a
    submitter heading lost in extraction moves every pledge below it to the one above): an error naming the
    line, not a silent re-attribution. Every pledge of the 2023 report names its own submitter.

    The title is checked on its own first: a pledge block moved under another heading can pick up that
    submitter's description (descriptions pair with titles in order), and then only its title still says
    whose it is. In the report a title that names another submitter always names its own too (joint pledges).
    """
    own = gaz.submitters.get(p.submitter)
    own_names = (p.submitter, *p.aliases, *(own.aliases if own else ()))
    for text in (_fold(p.title), fold(f"{p.title} {p.description}")):
        if any(_names(text, n) for n in own_names):
            continue
        other = next(
            (
                s.name
                for s in gaz.submitters.values()
                if s.name != p.submitter and any(_names(text, n) for n in (s.name, *s.aliases))
            ),
            None,
        )
        if other is not None:
            msg = (
                f"the pledge {p.title!r} sits under {p.submitter} but names {other} and never {p.submitter}; "
                "is a submitter heading missing above it?"
            )
            raise CorpusError(msg, path=path, line=p.source.line_start)


def _names(text: str, name: str) -> bool:
    key = _fold(name)
    return len(key) >= 4 and re.search(rf"\b{re.escape(key)}\b", text) is not None


# the same titles, descriptions and names are folded once per action and per pledge; cached, a parse is 3x faster
_fold = lru_cache(maxsize=4096)(fold)


def _resolve_submitter(heading: str, country_line: str, list2023: list[Listed], gaz: Gazetteer):
    country = gaz.match_country(country_line)
    if country is None:
        country = gaz.match_country(country_line, cutoff=70)
    cname = country.name if country else country_line.strip()
    name = re.sub(r"\s*\(.*\)$", "", heading).strip()
    name = re.sub(r"^CITY\s+", "", name)
    sub = gaz.match_submitter(name) or gaz.match_submitter(name, country=cname, cutoff=70)
    listed = [n for n, _, _ in list2023 if fuzz.partial_ratio(fold(n), fold(name)) >= 85]
    return sub, cname, name, listed


def _submitter_fields(
    sub: Submitter | None, fallback_name: str, country: str, spellings: list[str], gaz: Gazetteer
) -> dict:
    """Who submitted a pledge; a submitter the gazetteer lacks is named from the report's own heading."""
    if sub is not None:
        name, kind, countries = sub.name, sub.kind, sub.countries
        aliases = [*sub.aliases]
    else:
        name = fallback_name.title()
        kind = (
            "organization" if re.search(r"council|alliance|network|association|cities|america", fold(name)) else "city"
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


def _submission_record(d: Draft, list2023: list[Listed], gaz: Gazetteer, path: Path) -> dict:
    sub, cname, name, listed = _resolve_submitter(d.submitter_heading, d.country_line, list2023, gaz)
    # A heading the gazetteer does not know names a new submitter, but not when it is only part of a name the
    # participants list gives (RAMALLAH cut to RAMA): that would invent a submitter and hand it the pledge.
    partial = [n for n in listed if fuzz.ratio(fold(n), fold(name)) < 85]
    if sub is None and partial:
        msg = f"the submitter heading {d.submitter_heading!r} above this pledge is only part of {partial[0]!r}"
        raise CorpusError(msg, path=path, line=d.title_line)
    rec = _submitter_fields(sub, name, cname, [d.submitter_heading.title(), name.title(), *listed], gaz)
    rec.update(draft_fields(d))
    return rec


def _merge_action(a: Draft, records: list[dict], year: int, path: Path) -> None:
    """A highlighted 2023 action is one of the submissions: it adds its priority to the closest one."""
    best, score = None, 0.0
    title = fold(a.title)
    body = fold(" ".join(x.text for x in a.body or [])[:300])
    for rec in records:
        if rec["year"] != year:
            continue
        # only a better score than the best so far matters: the cutoff lets rapidfuzz stop early
        cutoff = max(score, 80.0)
        s = max(
            fuzz.token_set_ratio(title, _fold(rec["title"]), score_cutoff=cutoff),
            fuzz.partial_ratio(body, _fold(rec["description"]), score_cutoff=cutoff),
        )
        if s > score:
            best, score = rec, s
    if best is None or score < 80:
        raise CorpusError(f"{year} action {a.title!r} matches no {year} submission", path=path, line=a.title_line)
    best["priorities"] = tuple(sorted(set(best["priorities"]) | set(a.priorities)))
    best["priorities_inferred"] = False


def _action_record(a: Draft, list2022: list[Listed], gaz: Gazetteer, path: Path) -> dict:
    """A 2022 action has no submitter heading: its text names the submitter, the 2022 list its country."""
    text = a.title + " " + " ".join(x.text for x in a.body or [])
    found = gaz.find_submitters_in(a.title) or gaz.find_submitters_in(text)
    sub = found[0] if found else None
    if sub is None:
        raise CorpusError(f"cannot tell who submitted the 2022 action {a.title!r}", path=path, line=a.title_line)
    listed = [(n, c) for n, c, _ in list2022 if gaz.submitter(n) is sub or fuzz.ratio(fold(n), fold(sub.name)) >= 90]
    country = sub.country
    for _, c in listed:
        if (gc := gaz.match_country(c)) and gc.name in sub.countries:
            country = gc.name
    rec = _submitter_fields(sub, sub.name, country, [n for n, _ in listed], gaz)
    rec.update(draft_fields(a))
    return rec


def _add_priority_fields(records: list[dict], priorities: list[Priority]) -> None:
    """Priorities the report does not give are inferred from its own definitions; the goals follow from them."""
    prio_by_num = {p.number: p for p in priorities}
    for rec in records:
        if not rec["priorities"]:
            rec["priorities"] = infer_priorities(rec["title"] + " " + rec["description"], priorities)
            rec["priorities_inferred"] = True
        ps = [prio_by_num[n] for n in rec["priorities"]]
        rec["gcm_objectives"] = tuple(sorted({o for p in ps for o in p.gcm_objectives}))
        rec["gcr_focus_areas"] = tuple(dict.fromkeys(f for p in ps for f in p.gcr_focus_areas))
        rec["sdgs"] = tuple(sorted({g for p in ps for g in p.sdgs}))


def _attach_quote(
    quote: Quote, heading: str, records: list[dict], list2023: list[Listed], gaz: Gazetteer, year: int
) -> None:
    """A quote belongs to the submitter its attribution names, else to the block it was printed in."""
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
    targets = [r for r in records if r["submitter"] == owner and r["year"] == year]
    if targets:
        # a submitter with several pledges: the quote goes with the one it talks about
        words = set(tokens(quote.text))
        target = max(targets, key=lambda r: len(words & set(tokens(r["title"] + " " + r["description"]))))
        target["quotes"] = (*target["quotes"], quote)


def slug(text: str, words: int = 0, drop: set[str] | None = None) -> str:
    text = re.sub(r"[’']s\b", "", text)
    parts = re.findall(r"[a-z0-9]+", ascii_form(text).lower())
    if drop is not None:
        parts = [t for t in parts if t not in drop] or parts
    if words:
        parts = parts[:words]
    return "-".join(parts)


def _assign_ids(records: list[dict]) -> None:
    """Ids from year, submitter and short title, so they stay the same across parses."""
    used: Counter[str] = Counter()
    for rec in records:
        drop = STOP | set(slug(rec["submitter"]).split("-")) | {"s"}
        rid = f"{rec['year']}-{slug(rec['submitter'], 3, STOP)}-{slug(rec['title'], 4, drop)}"
        used[rid] += 1
        rec["id"] = rid if used[rid] == 1 else f"{rid}-{used[rid]}"


def _link_joint_pledges(records: list[dict]) -> None:
    """Joint pledges: each one's title names the other submitter."""
    # folded once per record: folding inside the pair loop made this quadratic in fold() calls
    names = [{fold(x) for x in (r["submitter"], *r["aliases"])} for r in records]
    titles = [fold(r["title"]) for r in records]
    for i, rec in enumerate(records):
        for j, other in enumerate(records):
            if other is rec or other["year"] != rec["year"] or other["submitter"] == rec["submitter"]:
                continue
            if any(re.search(rf"\b{re.escape(n)}\b", titles[i]) for n in names[j]) and any(
                re.search(rf"\b{re.escape(n)}\b", titles[j]) for n in names[i]
            ):
                rec["joint_with"] = other["id"]


def _to_pledge_dict(rec: dict) -> dict:
    out = dict(rec)
    out["quotes"] = [q.__dict__ for q in rec["quotes"]]
    return out
