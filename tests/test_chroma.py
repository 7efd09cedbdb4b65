"""Adding rows to a Chroma server that answers late: sent again as an upsert, a bounded number of times."""

from __future__ import annotations

import httpx
import pytest

from pledgebot import chroma
from pledgebot.errors import StoreError


class SlowCollection:
    """A collection whose first `late` requests time out after storing their rows (the server was only slow)."""

    name = "pledgebot-passages"

    def __init__(self, late: int) -> None:
        self.late = late
        self.rows: dict[str, str] = {}
        self.calls: list[str] = []

    def _store(self, how: str, ids: list[str], documents: list[str]) -> None:
        self.calls.append(how)
        if how == "add" and set(ids) & set(self.rows):
            raise AssertionError("add of ids already stored")
        self.rows.update(zip(ids, documents, strict=True))
        if self.late:
            self.late -= 1
            raise httpx.ReadTimeout("timed out")

    def add(self, ids, documents):
        self._store("add", ids, documents)

    def upsert(self, ids, documents):
        self._store("upsert", ids, documents)


@pytest.mark.parametrize("late, calls", [(0, ["add"]), (1, ["add", "upsert"]), (2, ["add", "upsert", "upsert"])])
def test_a_batch_the_server_answered_late_is_sent_again_and_stored_once(monkeypatch, late, calls):
    monkeypatch.setattr(chroma, "page_size", lambda client: 10)
    col = SlowCollection(late)
    chroma.add_all(None, col, ids=["a", "b"], documents=["x", "y"])
    assert col.calls == calls and col.rows == {"a": "x", "b": "y"}


def test_a_server_that_never_answers_in_time_is_one_clear_error(monkeypatch):
    monkeypatch.setattr(chroma, "page_size", lambda client: 10)
    col = SlowCollection(late=chroma.ADD_RETRIES + 1)
    with pytest.raises(StoreError, match="did not store a batch of 2 rows of pledgebot-passages"):
        chroma.add_all(None, col, ids=["a", "b"], documents=["x", "y"])
    assert len(col.calls) == chroma.ADD_RETRIES + 1  # bounded
