"""Comparisons (answer/compare.py) on the tiny corpus: which candidates are judged."""

from __future__ import annotations

import pytest
from tiny import tiny_bot

from pledgebot.answer import Ctx
from pledgebot.answer.compare import _nearest


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    return tiny_bot(tmp_path_factory.mktemp("tiny-index"))


@pytest.mark.parametrize("cap", [1, 2, 3, 100])
def test_a_corpus_larger_than_the_cap_is_narrowed_to_the_nearest(bot, cap):
    res = bot.res
    anchor = res.pledges[0]
    fits = [p for p in res.pledges if p.submitter != anchor.submitter]
    ctx = Ctx(res)
    asking = bot.understand("housing for refugees", ctx=ctx)
    kept = _nearest(ctx, anchor, asking, fits, cap)
    assert len(kept) == min(cap, len(fits)) and set(kept) <= set(fits)
    # the pledge closest to the anchor is always among them, and the order stays the report's
    closest = max(fits, key=lambda p: float(res.pledge_vectors[res.pledge_row[p.id]] @ res.pledge_vectors[0]))
    assert closest in kept and kept == [p for p in fits if p in kept]
