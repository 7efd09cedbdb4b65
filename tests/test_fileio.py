"""Files written through a temporary file: complete or absent, with the umask's mode, no temp left behind."""

from __future__ import annotations

import os
import stat

import pytest

from pledgebot.fileio import atomic_write_text, shared_mode


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_the_mode_follows_the_umask(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        assert shared_mode() == mode
        atomic_write_text(tmp_path / "records.jsonl", "{}\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "records.jsonl").stat().st_mode) == mode
    assert [p.name for p in tmp_path.iterdir()] == ["records.jsonl"]


def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path):
    target = tmp_path / "records.jsonl"
    atomic_write_text(target, "old\n")

    with pytest.raises(TypeError):
        atomic_write_text(target, 12345)  # type: ignore[arg-type]  # not text: fails mid-write
    assert target.read_text() == "old\n" and [p.name for p in tmp_path.iterdir()] == ["records.jsonl"]
