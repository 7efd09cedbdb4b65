"""PledgeBot's exceptions.

PledgeBotError            anything PledgeBot reports to a user as a message, not a traceback
├── CorpusError           the report text or the records files are missing, empty or malformed
│                         (carries `path` and `line`)
├── StoreError            the vector index is missing, stale or unreadable and cannot be rebuilt
└── QuestionError         a question that cannot be answered as asked: empty, too long, control
                          characters, undecodable bytes
"""

from __future__ import annotations

import errno
from pathlib import Path

# The usual causes of a failed write, in words an operator acts on.
DISK_CAUSES = {
    errno.EROFS: "the file system is read-only",
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EACCES: "permission denied",
}


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


def describe_os_error(exc: OSError) -> str:
    """One line for a failed file operation: the cause in words and the file it concerns, no traceback."""
    why = DISK_CAUSES.get(exc.errno or 0) or exc.strerror or str(exc)
    return f"{why} ({exc.filename})" if exc.filename else why
