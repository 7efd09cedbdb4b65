"""PledgeBot's exceptions.

PledgeBotError            anything PledgeBot reports to a user as a message, not a traceback
├── CorpusError           the report text or the records files are missing, empty or malformed
│                         (carries `path` and `line`)
├── StoreError            the vector index is missing, stale or unreadable and cannot be rebuilt
└── QuestionError         a question that cannot be answered as asked: empty, too long, control
                          characters, undecodable bytes
"""

from __future__ import annotations

from pathlib import Path


class PledgeBotError(Exception):
    """Base class: the message is meant for the user."""


class CorpusError(PledgeBotError):
    """The report or a records file is missing, empty or malformed."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(where + message)


class StoreError(PledgeBotError):
    """The index cannot be opened or built."""


class QuestionError(PledgeBotError):
    """The question is not acceptable input."""
