"""The records files: published together under a pointer (corpus/CURRENT → records-<hash>/), read, fingerprinted."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import CorpusError
from ..fileio import atomic_write_text, shared_dir_mode
from ..records import Pledge, Section

if TYPE_CHECKING:
    from .report import Corpus


POINTER = "CURRENT"
PLEDGES, SECTIONS = "pledges.jsonl", "sections.jsonl"


def records_dir(corpus_dir: Path) -> Path:
    """The folder of the live records: the `records-…` folder that `CURRENT` names, or `corpus_dir` itself
    when there is no pointer (a folder of one's own pledges.jsonl and sections.jsonl). Resolve it once and
    read both files from it: a build publishing meanwhile never pairs new pledges with old sections."""
    pointer = corpus_dir / POINTER
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return corpus_dir
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(f"the records pointer cannot be read ({exc}); run `pledgebot corpus build`", path=pointer) from None
    if not name.startswith("records-") or "/" in name or not (corpus_dir / name).is_dir():
        raise CorpusError(f"the records pointer names no records folder ({name[:80]!r}); run `pledgebot corpus build`", path=pointer)
    return corpus_dir / name


def write_records(corpus: Corpus, corpus_dir: Path) -> Path:
    """Publish the records in one atomic step: both files go into a new `records-<hash>` folder, which
    becomes live when `CURRENT` is replaced. A run that fails or is killed at any point leaves the previous
    pair serving; folders of earlier runs and of dead runs are removed. Returns the live folder."""
    dump = lambda rec: json.dumps(rec.to_dict(), ensure_ascii=False)  # noqa: E731
    texts = {
        PLEDGES: "".join(dump(p) + "\n" for p in corpus.pledges),
        SECTIONS: "".join(dump(s) + "\n" for s in corpus.sections),
    }
    name = "records-" + hashlib.sha256("".join(texts.values()).encode()).hexdigest()[:12]
    final = corpus_dir / name
    if not final.is_dir():
        corpus_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=corpus_dir, prefix=f".{name}."))
        try:
            for file, text in texts.items():
                atomic_write_text(staging / file, text)
            os.chmod(staging, shared_dir_mode())
            os.replace(staging, final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    atomic_write_text(corpus_dir / POINTER, name + "\n")
    _clean(corpus_dir, name)
    return final


def clean_leftovers(corpus_dir: Path) -> None:
    """Remove what killed runs left beside the live records (a folder published just before the kill, staging
    folders, temp files): an ingest that has nothing to write still leaves the corpus folder as a finished one
    would."""
    live = records_dir(corpus_dir)
    if live != corpus_dir:
        _clean(corpus_dir, live.name)


def _clean(corpus_dir: Path, live: str) -> None:
    """Remove earlier records folders, dead runs' staging folders and temp files, and pre-pointer files."""
    for path in corpus_dir.iterdir():
        stale_dir = path.is_dir() and path.name != live and path.name.lstrip(".").startswith("records-")
        stale_tmp = path.is_file() and path.name.startswith(".") and path.name.endswith(".tmp")
        if stale_dir:
            shutil.rmtree(path, ignore_errors=True)
        elif stale_tmp or (path.is_file() and path.name in (PLEDGES, SECTIONS)):
            path.unlink(missing_ok=True)


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
