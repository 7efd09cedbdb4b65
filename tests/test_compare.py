"""Comparisons (answer/compare.py) on the tiny corpus: which candidates are judged."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from tiny import tiny_bot

from pledgebot.answer import Ctx
from pledgebot.answer.compare import (
    ABOVE_MEDIAN,
    COMPARE_FEATURES,
    Compared,
    _facet_is_the_aspect,
    _nearest,
    _with_partners,
    score,
)
from pledgebot.query import Intent
from pledgebot.retrieval import DocScore


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


def _compared(res, ids):
    hits = [DocScore(i, "pledge", 0.0, 0.0, 0.0) for i in ids]
    return Compared(res.pledges[0], hits, np.zeros((len(ids), 1)), np.zeros(len(ids)), False)


def test_a_chosen_joint_pledge_brings_its_partners_record(bot):
    res = bot.res
    ids = [p.id for p in res.pledges if p.submitter != "Athens"]
    nairobi, kampala = ids.index("2023-nairobi-joint"), ids.index("2023-kampala-joint")
    larissa = ids.index("2023-larissa-language")
    c = _compared(res, ids)
    assert _with_partners(res, c, [larissa, kampala]) == [larissa, kampala, nairobi]
    assert _with_partners(res, c, [nairobi, kampala]) == [nairobi, kampala]
    # a partner that is not a candidate (filtered out, or the anchor's own) stays out
    alone = [i for i in ids if i != "2023-kampala-joint"]
    n = alone.index("2023-nairobi-joint")
    assert _with_partners(res, _compared(res, alone), [n]) == [n]


@pytest.mark.parametrize(
    ("question", "facet"),
    [
        ("Which other joint pledges are there, like Athens's?", True),
        ("Which other joint pledges on job training are like Athens's?", False),
        ("Which other pledges are like Athens's?", False),
    ],
)
def test_a_flag_with_no_topic_is_the_aspect_asked(bot, question, facet):
    q = bot.understand(question, ctx=Ctx(bot.res))
    assert _facet_is_the_aspect(q, _compared(bot.res, [p.id for p in bot.res.pledges])) is facet


@pytest.mark.parametrize(
    "question", ["Which cities do something like Athens's housing pledge?", "Who else trains young people like Larissa?"]
)
def test_each_candidate_is_judged_against_the_median_candidate(bot, question):
    q = bot.understand(question, ctx=Ctx(bot.res))
    # read as a comparison with the place it names, whatever the packaged intent model makes of the tiny lexicon
    q = replace(q, intent=Intent.COMPARE, anchors=q.filters.submitters or q.anchors,
                filters=replace(q.filters, submitters=(), place_label=None))  # fmt: skip
    c = score(q, Ctx(bot.res))
    assert c is not None and len(c.hits) > 2 and c.x.shape == (len(c.hits), len(COMPARE_FEATURES))
    for name in ABOVE_MEDIAN:
        own, above = c.x[:, COMPARE_FEATURES.index(name)], c.x[:, COMPARE_FEATURES.index(f"{name}_above_median")]
        assert np.allclose(above, own - np.median(own)) and np.ptp(own) == pytest.approx(np.ptp(above))


def _hub_fake(vectors, k):
    from types import SimpleNamespace

    cal = SimpleNamespace(param=lambda section, name: {("compare", "hub_k"): k}[(section, name)])
    v = np.array(vectors, dtype=np.float32)
    return SimpleNamespace(pledge_vectors=v / np.linalg.norm(v, axis=1, keepdims=True), pledges=list(v), calibration=cal, _hubness={})


def test_hubness_is_the_mean_cosine_to_the_nearest_others_and_a_general_pledge_has_more():
    from pledgebot.answer.resources import Resources

    # A, B specific; H near everything ("general terms"); C, D elsewhere
    fake = _hub_fake([[1, 0, 0, 0], [0.6, 0, 0, 0.8], [0, 1, 0, 0], [0, 0, 1, 0], [1.2, 1, 1, 0]], k=2)
    r = Resources.hubness(fake, [0, 1, 4])
    sims = fake.pledge_vectors @ fake.pledge_vectors[4]
    assert r[2] == pytest.approx(np.sort(sims[:4])[-2:].mean())  # its own cosine (1.0) is not counted
    assert r[2] > r[1]
    # less each side's hubness, the specific pledge is the closer to A though H's plain cosine is higher
    cos = fake.pledge_vectors[[1, 4]] @ fake.pledge_vectors[0]
    assert cos[1] > cos[0] and (2 * cos - r[[1, 2]])[0] > (2 * cos - r[[1, 2]])[1]
