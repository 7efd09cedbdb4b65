"""The built wheel, installed into a fresh virtual environment outside the repository, answers a question.

Slow (a minute or two to install from the package registries' cache, a minute to build the index): it is the
only test that proves the package carries its report, records and data files and works without the repo.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]


def _run(args: list[str], timeout: float, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False, **kwargs)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("wheel")
    # built from a copy: setuptools reuses a checkout's build/ folder, which may hold files the tree no longer has
    source = root / "source"
    skip = shutil.ignore_patterns(".venv", ".git", "index", "build", "*.egg-info", "__pycache__", ".*_cache")
    shutil.copytree(REPO, source, symlinks=True, ignore=skip)
    built = _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(source), "-w", str(root / "dist")], 300)
    assert built.returncode == 0, built.stderr[-2000:]
    venv = root / "venv"
    assert _run([sys.executable, "-m", "venv", str(venv)], 120).returncode == 0
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    # torch first, as the Makefile does: the CPU wheel on this machine's disk, not a CUDA build
    torch = _run([*pip, "torch==2.13.0"], 900)
    assert torch.returncode == 0, torch.stderr[-2000:]
    wheel = next((root / "dist").glob("pledgebot-*.whl"))
    done = _run([*pip, "-c", str(REPO / "constraints.txt"), str(wheel)], 900)
    assert done.returncode == 0, done.stderr[-2000:]
    return venv


def _env(root: Path) -> dict[str, str]:
    """A user's shell: no PLEDGEBOT_* settings, a home and data folder of its own, English model only (faster)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEBOT_")}
    env |= {"HOME": str(root / "home"), "XDG_DATA_HOME": str(root / "data"), "PLEDGEBOT_MULTILINGUAL": "0"}
    return env


def test_the_installed_command_answers_with_citations_outside_the_repo(installed: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    bot = str(installed / "bin" / "pledgebot")
    question = "Which Philippine provinces help overseas workers and their families?"
    first = _run([bot, "ask", "--json", question], 900, cwd=elsewhere, env=_env(tmp_path))
    assert first.returncode == 0, first.stderr[-3000:]
    answer = json.loads(first.stdout)
    assert not answer["abstained"] and answer["citations"]
    packaged = installed.glob("lib/python*/site-packages/pledgebot/data/corpus/records-*/pledges.jsonl")
    ids = {json.loads(line)["id"] for line in next(packaged).read_text(encoding="utf-8").splitlines()}
    assert {c["id"] for c in answer["citations"]} <= ids
    # the first use says what it is doing and where; the index lives in the user data folder, not the cwd
    assert "building the index" in first.stderr
    assert (tmp_path / "data" / "pledgebot").is_dir() and not any(elsewhere.iterdir())

    again = _run([bot, "ask", question], 300, cwd=elsewhere, env=_env(tmp_path))
    assert again.returncode == 0 and "building the index" not in again.stderr
    version = _run([bot, "--version"], 60, cwd=elsewhere, env=_env(tmp_path))
    assert version.stdout.strip().startswith("pledgebot 0.")
