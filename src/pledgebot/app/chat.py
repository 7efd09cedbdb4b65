"""The Ask tab's conversation: one turn from question to chat messages, and the messages' own markup.

User messages are shown as typed: their HTML and markdown are escaped (a typed `<img src=x>` must not fetch
anything, a `<script>` must not leave an empty bubble), and read back unescaped, because follow-ups are
understood against the earlier questions. An answer's `[n]` markers become links to its own source cards;
each answer's sources are kept beside the conversation (`Kept`), so an earlier answer can show its own.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import QuestionError
from ..records import Pledge
from ..understand import MAX_CHARS
from .controls import filters_from_controls, filters_line
from .html import EMPTY_SOURCES, empty_html, sources_html
from .sessions import KEPT_ANSWERS

if TYPE_CHECKING:
    from .tabs import AppData

log = logging.getLogger(__name__)

# Characters markdown gives a meaning to; each is shown literally when backslash-escaped.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")  # ">" is left to html.escape
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~])")
SUGGESTION = "Pledges from Argentina, please"  # offered after a question that cannot be read
NO_SOURCES = "This message has no sources."
FORGOTTEN = "The sources of this earlier answer are no longer kept; ask the question again to see them."


def plain(text: str) -> str:
    """`text` as chat markdown that renders exactly as typed: no HTML, no formatting, no links."""
    return html.escape(_MARKDOWN.sub(r"\\\1", text), quote=False)


def unplain(text: str) -> str:
    """The text a user typed, from its `plain` form (`unplain(plain(t)) == t`)."""
    return _ESCAPED.sub(r"\1", html.unescape(text))


def message_text(content: Any) -> str:
    """The text of a chat message, whether Gradio hands it over as a string or as a list of parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text", ""))
    if isinstance(content, list | tuple):
        return " ".join(message_text(part) for part in content).strip()
    return ""


def previous_questions(messages: Sequence[dict[str, Any]] | None) -> list[str]:
    """The user's earlier questions in this conversation: the pipeline reads follow-ups against them."""
    return [
        unplain(text)
        for m in messages or []
        if isinstance(m, dict) and m.get("role") == "user" and (text := message_text(m.get("content")).strip())
    ]


def linked(text: str, turn: int, numbers: set[int]) -> str:
    """The answer's `[n]` citation markers as links to source card n of this turn (`#pb-src-<turn>-<n>`)."""

    def link(m: re.Match[str]) -> str:
        n = int(m.group(1))
        return f"[\\[{n}\\]](#pb-src-{turn}-{n})" if n in numbers else m.group(0)

    return re.sub(r"(?<![\w\]])\[(\d{1,3})\](?![(\w])", link, text)


@dataclass
class Kept:
    """Each answer's sources panel and filter line, by the chat index of its message; the latest KEPT_ANSWERS stay."""

    panels: dict[int, tuple[str, str]] = field(default_factory=dict)

    def keep(self, turn: int, panel: str, line: str = "") -> None:
        self.panels[turn] = (panel, line)
        for old in sorted(self.panels)[:-KEPT_ANSWERS]:
            del self.panels[old]

    def shown(self, turn: int) -> tuple[str, str]:
        """(sources panel, filter line) of the answer at chat index `turn`, or of the one after the question there."""
        for t in (turn, turn + 1):
            if t in self.panels:
                return self.panels[t]
        if self.panels and turn < min(self.panels):
            return empty_html(FORGOTTEN), ""
        return empty_html(NO_SOURCES), ""


def sources_shown(kept: Kept | None, turn: int) -> tuple[str, str]:
    """`Kept.shown`, for a session whose sources may have been dropped (`None`: its state expired or the session
    made way for newer ones, see sessions.py): a message clicked there can only be an earlier answer's."""
    return kept.shown(turn) if isinstance(kept, Kept) else (empty_html(FORGOTTEN), "")


def saved_conversation(chat: list[dict[str, Any]] | None, kept: Kept | None) -> dict[str, Any]:
    """The conversation as the browser keeps it across reloads (JSON: messages, and each answer's sources)."""
    panels = [[t, panel, line] for t, (panel, line) in sorted((kept or Kept()).panels.items())]
    return {"chat": list(chat or []), "panels": panels}


def restored_conversation(saved: Any) -> tuple[list[dict[str, Any]], Kept]:
    """The conversation a browser kept; anything malformed (an older page, a hand edit) starts afresh."""
    try:
        chat = [m for m in saved["chat"] if isinstance(m, dict) and m.get("role") in ("user", "assistant")]
        kept = Kept()
        for turn, panel, line in saved["panels"]:
            kept.keep(int(turn), str(panel), str(line))
    except (KeyError, TypeError, ValueError):
        return [], Kept()
    return chat, kept


def more_matches(ids: Sequence[str], records: dict[str, Any]) -> str:
    """The matches an answer counted but did not quote, folded under it: a list that says "5 of 9" leads on."""
    pledges = [r for i in ids if isinstance(r := records.get(i), Pledge)]
    if not pledges:
        return ""
    items = "\n".join(
        f"- **{plain(p.submitter)}** ({plain(p.country)}, {p.year}) — *{plain(p.title)}*" for p in pledges
    )
    noun = "match" if len(pledges) == 1 else "matches"
    return f"\n\n<details class='pb-more'><summary>The other {len(pledges)} {noun} (not quoted)</summary>\n\n{items}\n\n</details>"


def turn_panel(turn: int, panel: str) -> str:
    """A sources panel tagged with the answer it belongs to, for the page's citation links."""
    return f"<div class='pb-turn' data-turn='{turn}'>{panel}</div>"


def answer_turn(
    data: AppData, question: str, chat: list[dict[str, Any]] | None, controls: Sequence[str], kept: Kept | None = None
) -> tuple[str, list[dict[str, Any]], str, str]:
    """One turn of the conversation; returns (textbox, chat, sources HTML, filters line), never raises."""
    chat = list(chat or [])
    text = question if isinstance(question, str) else ""
    if echoed(chat, text):  # the page showed the question at once (`echo`); the answer follows it
        chat.pop()
    history = previous_questions(chat)
    try:
        explicit = filters_from_controls(*controls)
        answer = data.bot.ask(text, explicit if not explicit.is_empty() else None, history=history or None)
    except QuestionError as exc:
        message = f"I can't answer that as asked: {exc}. Try a question such as “{SUGGESTION}”."
        if text.strip():  # shown as asked, up to the limit: an oversized question is never echoed in full
            chat.append({"role": "user", "content": plain(clipped(text))})
        chat.append({"role": "assistant", "content": message})
        return "", chat, empty_html(EMPTY_SOURCES), ""
    except Exception:  # the app keeps serving; the operator gets the traceback in the log
        log.exception("answering %r failed", clipped(text))
        chat += [
            {"role": "user", "content": plain(clipped(text))},
            {"role": "assistant", "content": "Sorry, something went wrong while answering. Please try again."},
        ]
        return text, chat, empty_html(EMPTY_SOURCES), ""
    turn = len(chat) + 1  # the chat index of the answer's message
    numbers = {c.n for c in answer.citations}
    chat += [
        {"role": "user", "content": plain(text)},
        {"role": "assistant", "content": linked(answer.text, turn, numbers) + more_matches(answer.more, data.records)},
    ]
    panel, line = turn_panel(turn, sources_html(answer, data.records)), filters_line(answer, explicit)
    if kept is not None:
        kept.keep(turn, panel, line)
    return "", chat, panel, line


def echo(question: str, chat: list[dict[str, Any]] | None) -> tuple[str, list[dict[str, Any]], str]:
    """The question shown in the conversation the moment it is sent; returns (textbox, chat, pending question)."""
    chat = list(chat or [])
    text = question if isinstance(question, str) else ""
    if text.strip():
        chat.append({"role": "user", "content": plain(clipped(text))})
    return "", chat, text


def echoed(chat: list[dict[str, Any]], question: str) -> bool:
    """Whether the conversation ends with this question, shown by `echo` and not yet answered."""
    last = chat[-1] if chat else None
    return (
        isinstance(last, dict)
        and last.get("role") == "user"
        and bool(question.strip())
        and message_text(last.get("content")) == plain(clipped(question))
    )


def clipped(text: str) -> str:
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS] + "…"
