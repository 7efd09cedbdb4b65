"""The 2023 submissions: one block per submitter, TITLE/DURATION/TYPE/DESCRIPTION per pledge."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import CorpusError
from ..places import fold
from ..records import Quote
from .drafts import Draft
from .parts import FIELD
from .quotes import take_quote
from .text import Para, clean, is_caption, is_english, is_heading, is_quote, text_paragraphs

PLEDGE_TYPES = {
    "mirror pledge": "Mirror",
    "mirror": "Mirror",
    "gcm only": "GCM only",
    "gcr only": "GCR only",
    "idp": "IDP",
    "idps": "IDP",
    "idp pledge": "IDP",
}


def parse_submissions(
    lines: list[str], start: int, end: int, path: Path, part: str, year: int
) -> tuple[list[Draft], list[tuple[Quote, str]]]:
    """The submissions (the part named `part`, of `year`): one block per submitter,
    TITLE/DURATION/TYPE/DESCRIPTION per pledge.

    The quotes come back as (quote, heading of the block it appeared in).
    """
    return _SubmissionReader(text_paragraphs(lines, start, end), path, part, year).read()


class _SubmissionReader:
    """One pass over the submissions' paragraphs; fields may come in any order within a submitter's block."""

    def __init__(self, paras: list[Para], path: Path, part: str, year: int) -> None:
        self.paras = paras
        self.path = path
        self.part, self.year = part, year
        self.drafts: list[Draft] = []
        self.quotes: list[tuple[Quote, str]] = []  # (quote, heading of the block it appeared in)
        self.heading = self.country = ""
        self.mayor: str | None = None
        self.pending: list[Draft] = []  # titles still waiting for their description (Buenos Aires prints both first)
        self.current: Draft | None = None
        self.stopped = False

    def read(self) -> tuple[list[Draft], list[tuple[Quote, str]]]:
        i = 0
        while i < len(self.paras):
            i = self._step(i)
        self._check_no_pending()
        for d in self.drafts:
            if d.pledge_type is None:
                raise CorpusError(f"pledge {d.title!r} has no TYPE OF PLEDGE", path=self.path, line=d.title_line)
            if not d.body:
                raise CorpusError(
                    f"pledge {d.title!r} has an empty PROJECT DESCRIPTION", path=self.path, line=d.title_line
                )
        return self.drafts, self.quotes

    def _step(self, i: int) -> int:
        """Read the paragraph at i; returns the index of the next one to read."""
        p = self.paras[i]
        if is_heading(p.text) and i + 1 < len(self.paras) and _is_submitter_start(self.paras, i):
            return self._start_submitter(i)
        if is_quote(p.text):
            quote, i, _ = take_quote(self.paras, i)
            self.quotes.append((quote, self.heading))
            return i
        if fm := FIELD.match(p.first):
            self._field(p, fm.group(1), fm.group(2).strip())
            return i + 1
        if self.current is not None and not self.stopped:
            if not is_english(p.text) or is_heading(p.text):
                self.stopped = True  # poster or flyer text: nothing after it belongs to the description
            else:
                self.current.body.append(p)  # type: ignore[union-attr]
        return i + 1

    def _start_submitter(self, i: int) -> int:
        self.heading, self.country = self.paras[i].text, self.paras[i + 1].first
        self.mayor, self.current, self.stopped = None, None, False
        self._check_no_pending()
        rest = self.paras[i + 1].text.split("\n")[1:]
        # "Mayor: <name>"; a line that merely starts with the word (no colon) names no one
        if rest and (m := re.match(r"Mayor\s*:(.*)", rest[0])):
            self.mayor = clean(m.group(1)) or None
        return i + 2

    def _check_no_pending(self) -> None:
        if self.pending:
            first = self.pending[0]
            raise CorpusError(
                f"title {first.title!r} has no PROJECT DESCRIPTION", path=self.path, line=first.title_line
            )

    def _field(self, p: Para, name: str, value: str) -> None:
        extra = [clean(x) for x in p.text.split("\n")[1:]]
        if name == "Mayor":
            self.mayor = clean(" ".join([value, *extra]).replace("/ ", "/ "))
        elif name == "TITLE":
            if not self.heading:
                raise CorpusError("TITLE before any submitter heading", path=self.path, line=p.start)
            title = clean(" ".join([value, *extra]))
            draft = Draft(self.year, self.heading, self.country, title, p.start, self.part, self.mayor)
            self.drafts.append(draft)
            self.pending.append(draft)
            self.current, self.stopped = None, False
        elif name in ("DURATION", "TYPE OF PLEDGE"):
            self._detail(p, name, value)
        else:  # PROJECT DESCRIPTION
            if not self.pending:
                raise CorpusError("PROJECT DESCRIPTION without a TITLE", path=self.path, line=p.start)
            self.current = self.pending.pop(0)
            # lines wrapped under the label belong to the description too
            text = "\n".join([value, *p.text.split("\n")[1:]]).strip()
            self.current.body = [Para(text, p.start, p.end)] if text else []
            self.stopped = False

    def _detail(self, p: Para, name: str, value: str) -> None:
        """DURATION or TYPE OF PLEDGE: they belong to the latest title."""
        if not self.pending:
            raise CorpusError(f"{name} without a TITLE", path=self.path, line=p.start)
        if "\n" in p.text:
            # a one-line field with more lines glued to it (a lost blank line): what follows, perhaps the next
            # submitter's heading, would otherwise vanish and its pledges fall under this submitter
            extra = p.text.split("\n")[1]
            raise CorpusError(f"unexpected text after {name}: {extra[:60]!r}", path=self.path, line=p.start + 1)
        target = self.pending[-1]
        if name == "DURATION":
            target.duration = clean(value)
        else:
            key = fold(clean(value))
            if key not in PLEDGE_TYPES:
                raise CorpusError(f"unknown TYPE OF PLEDGE {value!r}", path=self.path, line=p.start)
            target.pledge_type = PLEDGE_TYPES[key]


def _is_submitter_start(paras: list[Para], i: int) -> bool:
    """A submitter heading is followed by its country line and, soon after, a Mayor or TITLE line."""
    nxt = paras[i + 1]
    if is_caption(nxt.text) or FIELD.match(nxt.first) or is_heading(nxt.first):
        return False
    return any(any(FIELD.match(line) for line in p.text.split("\n")) for p in paras[i + 1 : i + 4])
