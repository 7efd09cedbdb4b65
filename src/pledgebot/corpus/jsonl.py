"""corpus/*.jsonl: writing and reading the records files, and the fingerprint of their content."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import CorpusError
from ..fileio import atomic_write_text
from ..records import Pledge, Section

if TYPE_CHECKING:
    from .report import Corpus


def write_records(corpus: Corpus, pledges_path: Path, sections_path: Path) -> None:
    """Write both JSONL files atomically (a failed run leaves the previous files untouched)."""
    dump = lambda rec: json.dumps(rec.to_dict(), ensure_ascii=False)  # noqa: E731
    atomic_write_text(pledges_path, "".join(dump(p) + "\n" for p in corpus.pledges))
    atomic_write_text(sections_path, "".join(dump(s) + "\n" for s in corpus.sections))


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
