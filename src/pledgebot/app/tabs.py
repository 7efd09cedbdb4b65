"""The page: one function per tab lays out its components and wires its events over the shared `AppData`.

Gradio is imported inside the functions that build the page, so importing this module neither imports
Gradio nor needs its environment set (`serve.launch` sets it first). For the same reason this module does
not use `from __future__ import annotations`: the handlers' annotations are evaluated where they are
defined, next to the local `gr`, and `evt: gr.SelectData` must resolve for Gradio to pass the row clicked.
"""

import atexit
import logging
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from ..answer.render import join_names
from ..charts import world_source
from ..config import Settings
from ..errors import QuestionError
from ..places import Gazetteer, fold
from ..records import Pledge, Section
from ..reports import ReportProfile
from ..understand import MAX_CHARS
from .api import HTTP_NAMES, endpoints
from .browse import (
    TABLE_HEADERS,
    count_line,
    export_view,
    pledge_labels,
    pledge_table,
    resolve_pledge,
    row_key,
    search_pledges,
)
from .chat import SUGGESTION, Kept, answer_turn, echo, restored_conversation, saved_conversation, sources_shown
from .controls import ANY, Choices, chosen, filter_chips, filter_choices, filters_from_controls, priority_names
from .html import EMPTY_CARD, EMPTY_SOURCES, empty_html, pledge_card, similar_html
from .overview import overview_figures, overview_note
from .sessions import KEPT_TTL

if TYPE_CHECKING:
    import gradio as gr

    from ..pipeline import PledgeBot

log = logging.getLogger(__name__)

TITLE = "PledgeBot"


def tagline(editions: Sequence[ReportProfile]) -> str:
    """The header's one line: which editions the answers come from ("the 2023 report (*Localizing the
    Global Compacts, 2023*)"), named from the loaded records, not a fixed report."""
    named = [f"{e.short} (*{e.citation}*)" if e.citation != e.short else e.short for e in editions]
    return (
        f"Ask about {join_names(named)}: what cities and regions pledged for migrants and refugees. Every answer quotes "
        "the pledges word for word and says where in the report they stand."
    )
EXAMPLES: dict[str, list[str]] = {
    "For mayors' staff": [
        "Who runs one-stop shops for OFWs?",
        "Which Greek cities work on integration?",
    ],
    "For journalists": [
        SUGGESTION,
        "How many mirror pledges are there?",
    ],
    "For peer-learning facilitators": [
        "Who else runs an early-childhood project like Milan's?",
    ],
}

# One listener on the sources panel (event delegation), because its cards are replaced on every answer.
# `watch` re-runs after each new panel: it scrolls every description to its highlighted quote and opens the
# card a citation link asked for. A link `#pb-src-<turn>-<n>` in answer <turn> opens card n of that answer:
# at once when the panel shows that answer, else once the chat's select event has brought its sources.
SOURCES_JS = """
element.addEventListener('click', (event) => {
  const button = event.target.closest('button.pb-copy');
  if (!button) return;
  const done = () => { button.textContent = 'Copied'; setTimeout(() => { button.textContent = 'Copy quote'; }, 1500); };
  try { navigator.clipboard.writeText(button.dataset.quote).then(done, () => {}); } catch (e) { /* no clipboard */ }
});
let wanted = null;
const openCard = () => {
  if (!wanted) return;
  const shown = element.querySelector(`.pb-turn[data-turn="${wanted.turn}"]`);
  const card = shown && shown.querySelector(`#pb-source-${wanted.n}`);
  if (!card) return;
  wanted = null;
  element.querySelectorAll('.pb-card.pb-open').forEach((c) => c.classList.remove('pb-open'));
  card.classList.add('pb-open');
  card.scrollIntoView({ block: 'nearest' });
  card.setAttribute('tabindex', '-1');
  card.focus({ preventScroll: true });
};
// Gradio loads each component's code on its own, so the chat can mount after this panel (seen once in CI, on a
// loaded machine: no citation opened anything). Its clicks are caught on the document, and its observer below
// is attached once the chat exists.
document.addEventListener('click', (event) => {
  const link = event.target instanceof Element && event.target.closest('#pb-chat a[href^="#pb-src-"]');
  if (!link) return;
  event.preventDefault();
  const m = link.getAttribute('href').match(/^#pb-src-(\\d+)-(\\d+)$/);
  if (m) { wanted = { turn: m[1], n: m[2] }; openCard(); }
}, true);
// A new question scrolls to the top of the conversation's view, so its answer reads from the first line.
// Messages render in steps (markdown after layout), so the view is re-aligned for a moment after each
// new message rather than once.
let rows = 0, target = null, until = 0, chat = null;
const follow = new MutationObserver(() => {
  const wrap = chat.querySelector('.bubble-wrap');  // absent while the conversation is empty
  if (!wrap) { rows = 0; return; }
  const questions = wrap.querySelectorAll('.message-row.user-row');
  const all = wrap.querySelectorAll('.message-row').length;
  if (all > rows) {
    if (questions.length) target = questions[questions.length - 1];
    until = Date.now() + 1500;
  }
  rows = all;
  if (target && target.isConnected && Date.now() < until) {
    wrap.scrollTop += target.getBoundingClientRect().top - wrap.getBoundingClientRect().top - 8;
  }
});
const followChat = () => {
  const found = document.getElementById('pb-chat');
  if (!found || found === chat) return Boolean(found);
  chat = found;
  follow.disconnect();
  follow.observe(chat, { childList: true, subtree: true, characterData: true });
  return true;
};
if (!followChat()) {
  const mounting = new MutationObserver(() => { if (followChat()) mounting.disconnect(); });
  mounting.observe(document.body, { childList: true, subtree: true });
}
const scrollToQuotes = () => {
  followChat();  // a chat re-mounted since is followed again
  element.querySelectorAll('.pb-text').forEach((box) => {
    const mark = box.querySelector('mark');
    if (mark) box.scrollTop = Math.max(0, mark.offsetTop - 24);
  });
  openCard();
};
if (typeof watch === 'function') watch('value', scrollToQuotes);
scrollToQuotes();
"""


# -- shared state --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AppData:
    """What every tab reads: the pipeline (shared by all sessions: read-only, thread-safe) and lookups over it."""

    bot: "PledgeBot"
    pledges: list[Pledge]
    records: dict[str, Pledge | Section]
    names: dict[int, str]
    choices: Choices
    gazetteer: Gazetteer
    by_key: dict[tuple[str, str, str], Pledge]  # a table row's (year, submitter, title) -> its pledge
    labels: dict[str, str]  # Compare's dropdown label -> pledge id
    export_dir: Path

    @classmethod
    def load(cls, bot: "PledgeBot") -> Self:
        pledges = list(bot.pledges)
        records = bot.records
        names = priority_names(records)
        # Exports are small and named by content, so one folder per app suffices; it goes when the process does.
        export_dir = Path(tempfile.mkdtemp(prefix="pledgebot-export-"))
        atexit.register(shutil.rmtree, export_dir, ignore_errors=True)
        return cls(
            bot=bot,
            pledges=pledges,
            records=records,
            names=names,
            choices=filter_choices(pledges, names),
            gazetteer=bot.gaz,  # the records enrich it: ingested places are known
            by_key={row_key(p.year, p.submitter, p.title): p for p in pledges},
            labels=pledge_labels(pledges),
            export_dir=export_dir,
        )

    @property
    def total(self) -> int:
        return len(self.pledges)

    def view(self, search: str, *controls: Any) -> list[Pledge]:
        """The pledges the Browse tab's search and filter controls select (QuestionError for an unknown value)."""
        return search_pledges(self.pledges, search, filters_from_controls(*controls))


def filter_dropdowns(choices: Choices, prefix: str) -> "list[gr.Dropdown]":
    """Year, region, country, pledge type and priority dropdowns, each starting at "Any"."""
    import gradio as gr

    specs = [
        ("Year", "year", choices.years, 110),
        ("Region", "region", choices.regions, 180),
        ("Country", "country", choices.countries, 170),
        ("Pledge type", "type", choices.pledge_types, 140),
        ("Priority", "priority", choices.priorities, 220),
    ]
    return [
        gr.Dropdown(
            list(values), value=ANY, label=label, min_width=width, elem_id=f"pb-{prefix}-{key}", elem_classes="pb-filter"
        )
        for label, key, values, width in specs
    ]


# -- ask ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AskParts:
    """The Ask tab's components that its events read and write."""

    question: Any
    send: Any
    pending: Any  # the question being answered: the textbox is cleared the moment it is sent
    chat: Any
    implied: Any
    new: Any
    sources: Any
    filters: list[Any]
    examples: list[Any]
    accordion: Any
    chips: list[Any]  # one per filter: shows the value in force, a click sets it back to Any


def _ask_layout(data: AppData) -> AskParts:
    """The conversation, its filter line and input, example questions, and the sources panel beside them."""
    import gradio as gr

    with gr.Accordion(filter_chips([])[0], open=False) as accordion, gr.Row():  # side by side, wrapping on a phone
        filters = filter_dropdowns(data.choices, "ask")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=340):
            chat = gr.Chatbot(
                label="Conversation",
                show_label=False,  # a floating label would cover the first line of the conversation
                height=480,
                placeholder=(
                    "**Ask about the pledges.** Follow-up questions (“and in Latin America?”) build on "
                    "the conversation. Pick an example below to start."
                ),
                feedback_options=None,
                buttons=["copy", "copy_all"],  # no "share": it posts to Hugging Face, and this app is offline
                autoscroll=False,  # the page scrolls to the new answer's first line instead (SOURCES_JS)
                elem_id="pb-chat",
            )
            with gr.Row(equal_height=True):
                implied = gr.Markdown(elem_id="pb-implied")
                # on a phone the sources sit below the conversation: one tap away (hidden on wider screens)
                gr.HTML("<a class='pb-jump' href='#pb-sources-title'>Sources ↓</a>", elem_id="pb-jump", min_width=0)
                new = gr.Button("New conversation", size="sm", scale=0, min_width=150)
            # the filters in force, compact, above the input; the dropdowns stay folded away in the accordion
            with gr.Row(elem_classes="pb-chips"):
                chips = [
                    gr.Button("", visible=False, size="sm", scale=0, min_width=0, elem_classes="pb-chip")
                    for _ in filters
                ]
            with gr.Row(equal_height=True):
                question = gr.Textbox(
                    placeholder="Ask about the pledges and press Enter",
                    label="Your question",
                    show_label=False,
                    lines=1,
                    max_lines=1,
                    scale=5,
                    min_width=200,
                    autofocus=True,
                    max_length=MAX_CHARS,
                    elem_id="pb-question",
                )
                send = gr.Button("Ask", variant="primary", scale=0, min_width=90, elem_id="pb-send")
            pending = gr.Textbox(visible=False, label="question")
            examples = [
                gr.Examples(examples=[[q] for q in qs], inputs=[question], label=label)
                for label, qs in EXAMPLES.items()
            ]
        with gr.Column(scale=2, min_width=320):
            gr.Markdown("## Sources", elem_id="pb-sources-title")  # h2 under the page's h1: no skipped level
            sources = gr.HTML(empty_html(EMPTY_SOURCES), js_on_load=SOURCES_JS, max_height=640, elem_id="pb-sources")
    return AskParts(question, send, pending, chat, implied, new, sources, filters, examples, accordion, chips)


def ask_tab(data: AppData) -> "Callable[[gr.Blocks], None]":
    """The Ask tab; returns the hook that restores the conversation or answers a shared link when the page loads."""
    import gradio as gr

    def ask(question: str, chat: Any, kept: Kept | None, *controls: str) -> tuple[Any, ...]:
        """Answer a question; returns (textbox: kept on failure for a retry, chat, sources HTML, filters line, kept)."""
        kept = kept if isinstance(kept, Kept) else Kept()
        return (*answer_turn(data, question, chat, controls, kept), kept)

    def show_sources(kept: Kept | None, evt: gr.SelectData) -> tuple[str, str]:
        """The sources and filter line of the answer clicked (or of the answer to the question clicked)."""
        index = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
        return sources_shown(kept, int(index or 0))

    def clear() -> tuple[Any, ...]:
        """A new conversation: no messages, sources, filter line or filters."""
        return ("", [], empty_html(EMPTY_SOURCES), "", Kept(), "", *([ANY] * len(parts.filters)))

    def on_load(saved: Any, request: gr.Request) -> tuple[Any, ...]:
        """The page opens on a shared link's question (`?q=`), answered, or on the conversation it last showed."""
        q = (request.query_params.get("q") or "").strip() if request else ""
        if q:
            return ask(q, [], Kept(), *([ANY] * len(parts.filters)))
        chat, kept = restored_conversation(saved)
        if not chat:
            return tuple(gr.skip() for _ in ask_outputs)
        panel, line = kept.shown(max(kept.panels)) if kept.panels else (empty_html(EMPTY_SOURCES), "")
        return "", chat, panel, line, kept

    # The states live inside the tab: a component placed directly in gr.Tabs becomes a tab button of its own
    # (after visiting Browse, the Overview button read "Browse").
    with gr.Tab("Ask", id="ask"):
        parts = _ask_layout(data)
        # None until the first answer, and again once Gradio drops the value (KEPT_TTL) or the session (serve's
        # session capacity): either way an earlier answer clicked then says its sources are no longer kept
        kept = gr.State(None, time_to_live=KEPT_TTL)
        # kept in the browser's localStorage, encrypted with a key of this server process: a reload keeps the chat
        saved = gr.BrowserState(saved_conversation([], None), storage_key="pledgebot-conversation")
    p = parts
    ask_outputs = [p.question, p.chat, p.sources, p.implied, kept]
    answer = {"fn": ask, "inputs": [p.pending, p.chat, kept, *p.filters], "outputs": ask_outputs}
    # The question shows at once; then Gradio's progress overlay sits on the chat and sources while the
    # answer is computed. Every event that calls the pipeline shares one concurrency group, so the limit
    # set by app.queue() in build_app bounds them together rather than each event separately.
    shown = gr.on(
        [p.question.submit, p.send.click],
        echo,
        [p.question, p.chat],
        [p.question, p.chat, p.pending],
        api_visibility="private",
        queue=False,
    )
    shown.then(**answer, api_name="ask", concurrency_id="pipeline", api_visibility="undocumented")
    for examples in p.examples:
        examples.load_input_event.then(
            echo, [p.question, p.chat], [p.question, p.chat, p.pending], api_visibility="private", queue=False
        ).then(**answer, api_visibility="private", concurrency_id="pipeline")
    p.chat.select(show_sources, [kept], [p.sources, p.implied], api_visibility="private", queue=False)
    # the trash icon and New conversation both start afresh, filters included
    gr.on(
        [p.new.click, p.chat.clear],
        clear,
        None,
        [*ask_outputs, p.pending, *p.filters],
        api_visibility="private",
        queue=False,
    )
    p.chat.change(saved_conversation, [p.chat, kept], [saved], api_visibility="private", queue=False)
    _chip_events(p)
    return lambda app: app.load(on_load, [saved], ask_outputs, api_visibility="private", concurrency_id="pipeline")


def _chip_events(p: AskParts) -> None:
    """Any filter change redraws the chips and the accordion's label; a chip's click sets its filter to Any."""
    import gradio as gr

    def redraw(*values: str) -> tuple[Any, ...]:
        label, texts = filter_chips(values)
        chips = [gr.Button(value=t or "", visible=t is not None) for t in texts]
        return (gr.Accordion(label=label), *chips)

    gr.on(
        [d.change for d in p.filters], redraw, p.filters, [p.accordion, *p.chips],
        api_visibility="private", queue=False,
    )
    for chip, dropdown in zip(p.chips, p.filters, strict=True):
        chip.click(lambda: ANY, None, dropdown, api_visibility="private", queue=False)


# -- browse -------------------------------------------------------------------------------------------------


def browse_tab(data: AppData) -> "tuple[list[gr.components.Component], gr.events.Dependency]":
    """The Browse tab: search and filters over the pledge table, CSV and JSON downloads, the row's card.

    Returns the search and filter inputs and the event that redraws the table, for the Overview to follow.
    """
    import gradio as gr

    def browse(search: str, year: str, region: str, country: str, pledge_type: str, priority: str) -> tuple[Any, ...]:
        """The Browse view; returns (table, count line, CSV path, JSON path)."""
        try:
            view = data.view(search, year, region, country, pledge_type, priority)
        except QuestionError as exc:
            return pledge_table([]), f"**Cannot filter:** {escape(str(exc))}", None, None
        csv_path, json_path = export_view(view, data.export_dir)
        return pledge_table(view), count_line(len(view), data.total), str(csv_path), str(json_path)

    def open_pledge(evt: gr.SelectData) -> str:
        """The full card of the row clicked (found by its year, submitter and title, so sorting is safe)."""
        row = evt.row_value or []
        p = data.by_key.get(row_key(*row[:2], row[-1])) if len(row) >= 3 else None
        return pledge_card(p, data.names) if p else empty_html(EMPTY_CARD)

    initial_csv, initial_json = export_view(data.pledges, data.export_dir)
    with gr.Tab("Browse", id="browse"):
        with gr.Row():
            search = gr.Textbox(
                label="Search",
                placeholder="submitter, title, country or any word in the pledge",
                min_width=220,
                scale=2,
                max_lines=1,
                elem_id="pb-search",
            )
            browse_filters = filter_dropdowns(data.choices, "browse")
        with gr.Row(equal_height=True):
            count = gr.Markdown(count_line(data.total, data.total), elem_id="pb-count")
            csv_button = gr.DownloadButton("Download CSV", value=str(initial_csv), size="sm", scale=0, min_width=150)
            json_button = gr.DownloadButton("Download JSON", value=str(initial_json), size="sm", scale=0, min_width=150)
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=360):
                table = gr.Dataframe(
                    value=pledge_table(data.pledges),
                    headers=TABLE_HEADERS,
                    interactive=False,
                    wrap=True,
                    max_height=560,
                    column_widths=["8%", "17%", "14%", "11%", "10%", "40%"],
                    elem_id="pb-table",
                )
            with gr.Column(scale=2, min_width=320):
                card = gr.HTML(empty_html(EMPTY_CARD), elem_id="pb-card")

    browse_inputs = [search, *browse_filters]
    changed = gr.on(
        [search.submit, search.input, *[d.change for d in browse_filters]],
        browse,
        browse_inputs,
        [table, count, csv_button, json_button],
        api_name="browse",
        api_visibility="undocumented",  # the page's own call; the documented API is the JSON endpoints
        trigger_mode="always_last",
        show_progress="minimal",
    )
    table.select(open_pledge, None, card, api_visibility="private")
    return browse_inputs, changed


# -- compare ------------------------------------------------------------------------------------------------


def compare_tab(data: AppData) -> None:
    """The Compare tab: pick a pledge (or narrow the list by submitter) and see comparable pledges."""
    import gradio as gr

    def compare(pledge: str, k: float = 5) -> str:
        """Pledges from other submitters comparable to the chosen pledge (label, id or submitter name)."""
        anchor = resolve_pledge(pledge, data.pledges, data.labels)
        if anchor is None:
            return empty_html(f"No pledge or submitter called “{pledge}”. Pick one from the list.")
        try:
            found = data.bot.similar(anchor.id, k=max(1, min(10, int(k or 5))))
        except Exception:
            log.exception("similar(%r) failed", anchor.id)
            return empty_html("Sorry, comparing failed. Please try again.")
        return similar_html(anchor, found, data.names)

    def pick_submitter(submitter: str, current: str) -> Any:
        """Narrow the pledge list to one submitter's pledges and select the first ("Any" keeps the choice)."""
        wanted = chosen(submitter)
        if not wanted:
            return gr.Dropdown(choices=list(data.labels), value=current)
        options = [label for label, pid in data.labels.items() if data.records[pid].submitter == wanted]
        return gr.Dropdown(choices=options, value=options[0] if options else current)

    milan = resolve_pledge("Milan", data.pledges, data.labels) or data.pledges[0]
    initial_anchor = next(label for label, pid in data.labels.items() if pid == milan.id)
    with gr.Tab("Compare", id="compare"):
        gr.Markdown(
            "Find pledges from other submitters that do something comparable: pick a pledge (type to search) "
            "or narrow the list by submitter."
        )
        with gr.Row():
            submitter = gr.Dropdown(
                [ANY, *sorted({p.submitter for p in data.pledges}, key=fold)],
                value=ANY,
                label="Submitter",
                scale=1,
                min_width=200,
            )
            anchor = gr.Dropdown(
                list(data.labels),
                value=initial_anchor,
                label="Pledge",
                allow_custom_value=True,  # the API accepts a pledge id or a submitter name too
                scale=3,
                min_width=280,
                elem_id="pb-anchor",
            )
            k = gr.Slider(1, 10, value=5, step=1, label="How many", scale=1, min_width=160)
        comparison = gr.HTML(compare(initial_anchor, 5), elem_id="pb-compare")

    submitter.change(pick_submitter, [submitter, anchor], anchor, api_visibility="private")
    gr.on(
        [anchor.change, k.release],
        compare,
        [anchor, k],
        comparison,
        api_name="compare",
        concurrency_id="pipeline",
        api_visibility="undocumented",
    )


# -- overview -----------------------------------------------------------------------------------------------


def overview_tab(
    data: AppData, browse_inputs: "list[gr.components.Component]", browse_changed: "gr.events.Dependency"
) -> None:
    """The Overview tab: the map and count charts, redrawn for the Browse tab's view after each change there."""
    import gradio as gr

    def overview(search: str, year: str, region: str, country: str, pledge_type: str, priority: str) -> tuple[Any, ...]:
        """The Overview charts for the Browse tab's current view."""
        try:
            view = data.view(search, year, region, country, pledge_type, priority)
        except QuestionError:
            view = data.pledges
        return (overview_note(view, data.total, data.gazetteer), *overview_figures(view, data.names, data.gazetteer))

    figures = overview_figures(data.pledges, data.names, data.gazetteer)
    with gr.Tab("Overview", id="overview"):
        note = gr.Markdown(overview_note(data.pledges, data.total, data.gazetteer))
        map_plot = gr.Plot(figures[0], show_label=False, elem_id="pb-map")
        with gr.Row():
            region_plot = gr.Plot(figures[1], show_label=False, min_width=320)
            type_plot = gr.Plot(figures[2], show_label=False, min_width=320)
        with gr.Row():
            priority_plot = gr.Plot(figures[3], show_label=False, min_width=320)
            year_plot = gr.Plot(figures[4], show_label=False, min_width=320)
        gr.Markdown(f"<small>Map outlines: {escape(world_source())}</small>")

    browse_changed.then(
        overview,
        browse_inputs,
        [note, map_plot, region_plot, type_plot, priority_plot, year_plot],
        api_visibility="private",
        show_progress="hidden",
    )


# -- the app ------------------------------------------------------------------------------------------------


def build_app(bot: "PledgeBot", settings: Settings | None = None) -> "gr.Blocks":
    """The four-tab app over a loaded pipeline, shared by every session (it is read-only and thread-safe)."""
    import gradio as gr

    settings = settings or Settings.from_env()
    data = AppData.load(bot)
    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=(3600, 24 * 3600)) as app:
        gr.Markdown(f"# {TITLE}\n{tagline(bot.res.editions)}", elem_id="pb-header")
        with gr.Tabs():
            answer_link = ask_tab(data)
            browse_inputs, browse_changed = browse_tab(data)
            compare_tab(data)
            overview_tab(data, browse_inputs, browse_changed)
        # JSON endpoints (and, with PLEDGEBOT_MCP=1, MCP tools): the same answers as `pledgebot ask --json`
        for name, fn in endpoints(bot).items():
            gr.api(fn, api_name=name if name in HTTP_NAMES else f"tool_{name}")
        answer_link(app)

    # Several sessions' answers run at once: the pipeline is shared and thread-safe, an answer takes
    # 30 ms to 1 s, so a queue of one would make every user wait for everyone else; a few in parallel
    # keeps latency low without oversubscribing the CPU the embedding models need.
    app.queue(default_concurrency_limit=settings.concurrency)
    return app
