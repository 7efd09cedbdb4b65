"""PledgeBot: cited answers about local pledges for migrants and refugees."""

from .config import Settings
from .errors import CorpusError, PledgeBotError, QuestionError, StoreError
from .records import Answer, Citation, Hit, Passage, Pledge, Quote, Section, Source

__all__ = [
    "Answer",
    "Citation",
    "CorpusError",
    "Hit",
    "Passage",
    "Pledge",
    "PledgeBotError",
    "Quote",
    "QuestionError",
    "Section",
    "Settings",
    "Source",
    "StoreError",
]
