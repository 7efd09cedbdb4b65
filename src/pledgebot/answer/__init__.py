"""Answers: a router picks one handler per query; rendering and abstention live in one place each.

router ─▶ listing · topical · figures · compare · quotes · mentions · definition · policy
"""

from __future__ import annotations

from .compare import Similar, similar
from .llm import keep_cited_sentences, llm_rewrite, load_chat_model
from .render import MAX_LISTED, citation_for, join_names, render_pledges, render_sections
from .resources import Ctx, Resources
from .router import answer
from .sentences import SentenceIndex, SentenceWeights, excerpt_is_verbatim

__all__ = [
    "MAX_LISTED",
    "Ctx",
    "Resources",
    "SentenceIndex",
    "SentenceWeights",
    "Similar",
    "answer",
    "citation_for",
    "excerpt_is_verbatim",
    "join_names",
    "keep_cited_sentences",
    "llm_rewrite",
    "load_chat_model",
    "render_pledges",
    "render_sections",
    "similar",
]
