"""Real read-only and full file systems for tests (Linux mounts; the test is skipped where mounting is not allowed)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True, timeout=30)
    if done.returncode:
        pytest.skip(f"cannot mount here (needs root on Linux): {done.stderr.strip()}")


def _unmount(target: Path) -> None:
    subprocess.run(["umount", "-l", str(target)], capture_output=True, timeout=30)


@contextmanager
def read_only_view(source: Path, target: Path) -> Iterator[Path]:
    """`source` seen read-only at `target` (a bind mount): writes there fail with EROFS, even for root."""
    target.mkdir(parents=True, exist_ok=True)
    _mount("--bind", str(source), str(target))
    try:
        _mount("-o", "remount,bind,ro", str(target))
        yield target
    finally:
        _unmount(target)


@contextmanager
def small_disk(target: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` (e.g. "4m") at `target`: writes past it fail with ENOSPC."""
    target.mkdir(parents=True, exist_ok=True)
    _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(target))
    try:
        yield target
    finally:
        _unmount(target)


def fill(folder: Path) -> None:
    """Take every free byte of the file system holding `folder`."""
    with open(folder / "ballast", "wb") as fh:
        try:
            while True:
                fh.write(b"\0" * 65_536)
                fh.flush()
        except OSError:
            pass
