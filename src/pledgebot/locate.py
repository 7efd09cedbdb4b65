"""Where a quoted excerpt stands in the report: the lines that hold it, not the whole record's span.

A record's source spans all its lines (a pledge from its title to its last paragraph, a narrative section
from heading to end), and a mayor's quote is printed after the pledge it belongs to. A journalist checking a
quote wants the lines it is on, so each citation's range is narrowed to the lines holding its excerpt,
searched from the record's first line to a little past its last. An excerpt that cannot be found verbatim
keeps the record's range: a wider range that contains the quote beats a narrow one that does not.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .corpus.text import clean
from .records import Answer, Citation, Pledge, Section, Source
from .reports import profile, profile_for_file

EDGE = 40  # characters (without spaces) that find where a passage interrupted by other lines starts and ends
REACH = 30  # lines past a record's end still searched: a pledge's quote and its speaker follow its text


def _norm(text: str) -> str:
    # without any whitespace: the report prints "“ From" where the record has "“From"
    return re.sub(r"\s+", "", text).casefold()


@dataclass(frozen=True)
class ReportLines:
    """The report text, line by line (line n is `lines[n - 1]`), without markup or whitespace, for search."""

    lines: tuple[str, ...]
    report: str = ""  # the edition this text is: only its records' lines count in it
    name: str = ""  # the file as citations name it ("corpus/….txt")

    @classmethod
    def read(cls, path: Path, name: str = "") -> ReportLines | None:
        """The report's lines, or None when the file is not there (citations then keep their records' spans)."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        # the records' text is the report's without its markup (links, emphasis): so is what is searched
        lines = tuple(_norm(clean(line)) for line in text.splitlines())
        return cls(lines, profile_for_file(Path(path)).id, name or str(path))

    def _span(self, piece: str, first: int, last: int) -> tuple[int, int] | None:
        """The first and last line numbers, in [first, last], of the first place `piece` is printed; a piece may
        run over several lines (blank lines between paragraphs are skipped)."""
        key = _norm(piece)
        numbers = [n for n in range(max(1, first), min(last, len(self.lines)) + 1) if self.lines[n - 1]]
        starts, pos = [], 0
        for n in numbers:
            starts.append(pos)
            pos += len(self.lines[n - 1])
        joined = "".join(self.lines[n - 1] for n in numbers)
        line = lambda offset: numbers[bisect_right(starts, offset) - 1]  # noqa: E731
        if key and (at := joined.find(key)) >= 0:
            return line(at), line(at + len(key) - 1)
        # a caption or page footer printed inside the passage: from where its start is to where its end is
        head, tail = key[:EDGE], key[-EDGE // 2 :]
        if len(key) < 2 * EDGE or (at := joined.find(head)) < 0 or (end := joined.find(tail, at)) < 0:
            return None
        return line(at), line(end + len(tail) - 1)

    def narrow(self, source: Source, excerpt: str) -> Source:
        """The lines within reach of `source` that hold every piece of `excerpt` (pieces joined by " … ")."""
        # after the record first (a quote follows its pledge), then before it (some are printed above the heading)
        for first, last in ((source.line_start, source.line_end + REACH), (source.line_start - REACH, source.line_end)):
            if (found := self._spans(excerpt, first, last)) is not None:
                return replace(source, line_start=found[0], line_end=found[1])
        return source

    def _spans(self, excerpt: str, first: int, last: int) -> tuple[int, int] | None:
        spans = []
        for piece in excerpt.split(" … "):
            if not piece.strip():
                continue
            span = self._span(piece, first, last)
            if span is None:
                return None
            spans.append(span)
            first = span[1]  # the next piece follows this one
        return (spans[0][0], max(end for _, end in spans)) if spans else None


def read_editions(default: Path, folder: Path, home: Path | None = None) -> tuple[ReportLines, ...]:
    """The default report's lines first, then those of every other report text kept in `folder` (an ingested
    report's .txt, a PDF's extracted text): each edition's citations are narrowed in its own text. Names are
    relative to `home` where they can be."""
    others = sorted(p for p in Path(folder).glob("*.txt") if p.resolve() != Path(default).resolve())
    texts = (ReportLines.read(p, relative_name(p, home)) for p in (Path(default), *others))
    return tuple(t for t in texts if t is not None)


def relative_name(path: Path, home: Path | None) -> str:
    """`path` relative to `home` (how citations name a file), or as given when it is elsewhere."""
    try:
        return str(path.resolve().relative_to(Path(home).resolve())) if home is not None else str(path)
    except ValueError:
        return str(path)


def text_of(rec: Pledge | Section | None, texts: Sequence[ReportLines]) -> ReportLines | None:
    """The text `rec`'s lines count in: its edition's (the first profile's for a record that names none), or
    None for a table row (its lines are its file's) or an edition whose text is not kept."""
    if rec is not None and rec.source.file:
        return None
    edition = profile(rec.report if rec is not None else "").id  # '': the first edition's (parsed before ids)
    return next((t for t in texts if t.report == edition), None)


def file_of(rec: Pledge | Section, texts: Sequence[ReportLines], default: str) -> str:
    """The file `rec`'s line numbers count in: its table's, its edition's text, or `default` (the report)."""
    text = text_of(rec, texts) if rec.report else None
    return rec.source.file or (text.name if text is not None else default)


def located(
    answer: Answer, texts: Sequence[ReportLines], records: Mapping[str, Pledge | Section] | None = None
) -> Answer:
    """The answer with each citation's lines narrowed to its excerpt in its record's own edition's text
    (unchanged without it)."""
    if not texts or not answer.citations:
        return answer
    return replace(answer, citations=tuple(_located(c, texts, records or {}) for c in answer.citations))


def _located(c: Citation, texts: Sequence[ReportLines], records: Mapping[str, Pledge | Section]) -> Citation:
    if c.source.file or (text := text_of(records.get(c.id), texts)) is None:
        return c
    return replace(c, source=text.narrow(c.source, c.excerpt))

