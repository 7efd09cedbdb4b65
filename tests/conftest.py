"""Shared fixtures: the real pipeline (packaged MiniLM, real Chroma index, real records), loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest

from pledgebot.config import entry_environment  # noqa: E402 - the test session is an entry point

entry_environment()

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def settings():
    from pledgebot.config import Settings

    return Settings.from_env({"PLEDGEBOT_HOME": str(ROOT)})


@pytest.fixture(scope="session")
def bot(settings):
    """The pipeline `pledgebot ask` uses; builds the index under index/ if `make index` has not."""
    from pledgebot.pipeline import PledgeBot

    return PledgeBot.load(settings, llm=None)
