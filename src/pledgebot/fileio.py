"""Writing files the way a user expects: complete or not at all, with the mode their umask gives.

`tempfile.mkstemp` creates files readable by their owner only (0600); a file renamed into place from one
keeps that mode, so records or a model copy written that way are unreadable to a service account or a
teammate sharing the checkout. Everything written through a temporary file gets `shared_mode()` first.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def shared_mode() -> int:
    """0666 less the process umask: the mode `open()` would have given a new file."""
    return 0o666 & ~_umask()


def shared_dir_mode() -> int:
    """0777 less the process umask: the mode `mkdir()` would have given a new folder (mkdtemp gives 0700)."""
    return 0o777 & ~_umask()


def atomic_write_text(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file beside it, renamed into place; no temp file is left."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, shared_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
