"""Pass 1: the report's lines -> paragraphs, with the tests that tell report text from PDF artefacts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import CorpusError
from ..places import fold

_CAPTION = re.compile(r"^(Photo( cover| above)?:|©)|©")
_LINK = re.compile(r"\[([^\]]*)\]\(#\)")
_MORE_INFO = re.compile(r"\s*More information( on this action)? \[here\]\(#\)\.?")

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
STOP = set(
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
    # Lines end at "\n" only (a CRLF's "\r" dropped), as grep -n, sed and editors count them and as the
    # UTF-8 error above does: str.splitlines() also breaks at form feeds, U+2028 and other separators a PDF
    # extraction leaves inside a line, and every line number after one would point at the wrong line.
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    return lines[:-1] if text.endswith("\n") else lines


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


def text_paragraphs(lines: list[str], start: int, end: int) -> list[Para]:
    """The paragraphs of lines[start:end] without captions, with page-break cuts re-joined."""
    return join_broken([p for p in paragraphs(lines, start, end) if not is_caption(p.text)])


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


def is_heading(text: str) -> bool:
    """An ALL-CAPS line: a heading in the report (or a submitter's name in the submissions)."""
    if "\n" in text or len(text) < 4 or len(text) > 160:
        return False
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(not c.islower() for c in letters) and not is_caption(text)


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


def tokens(text: str) -> list[str]:
    """Content words for comparing texts: folded, three letters or more, stop words (and 'city') out."""
    return [t for t in re.findall(r"[a-z]{3,}", fold(text)) if t not in STOP]
