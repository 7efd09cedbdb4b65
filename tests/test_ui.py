"""The Gradio app: its API through gradio_client against a live server, and its pure helpers.

One pipeline is loaded for the session (`shared_bot`, reused by test_browser.py) and one server is
launched for this module, on a free port of 127.0.0.1.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import json
import re
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from pathlib import Path

import httpx
import pytest
from gradio_client import Client

from pledgebot.app.controls import filter_chips
from pledgebot.config import Settings
from pledgebot.corpus import read_pledges
from pledgebot.errors import QuestionError
from pledgebot.filters import Filters, regions_of
from pledgebot.places import default_gazetteer
from pledgebot.records import Answer, Citation, Pledge, Quote, Source
from pledgebot.ui import (
    ANY,
    EMPTY_SOURCES,
    build_app,
    citation_card,
    describe_filters,
    export_view,
    filter_choices,
    filters_from_controls,
    filters_line,
    highlight,
    map_points,
    overview_figures,
    pledge_card,
    pledge_labels,
    previous_questions,
    resolve_pledge,
    search_pledges,
    serve,
    sources_html,
)

OFW = "Who runs one-stop shops for OFWs?"
NO_FILTERS = (ANY, ANY, ANY, ANY, ANY)  # year, region, country, pledge type, priority
NAMES = {n: f"Priority name {n}" for n in range(1, 9)}
# Gradio's queue builds a pandas frame of its own event statistics and pandas 3 warns about its options.
pytestmark = pytest.mark.filterwarnings("ignore::Warning:gradio.queueing")


# -- shared fixtures ------------------------------------------------------------------------------


@functools.cache
def shared_bot():
    """The real pipeline, loaded once per test session (about 9 s; builds the index if it is missing)."""
    from pledgebot.pipeline import PledgeBot

    return PledgeBot.load(Settings.from_env())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_app(bot, **settings_changes) -> Iterator[str]:
    """Build the app over `bot`, serve it on a free 127.0.0.1 port without blocking, yield its URL."""
    settings = dataclasses.replace(Settings.from_env(), host="127.0.0.1", port=free_port(), **settings_changes)
    app = build_app(bot, settings)
    url = serve(app, settings, prevent_thread_lock=True, quiet=True)
    try:
        yield url.rstrip("/")
    finally:
        app.close()


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    with running_app(shared_bot()) as url:
        yield url


@pytest.fixture(scope="module")
def client(app_url: str) -> Client:
    return Client(app_url, verbose=False)


@pytest.fixture(scope="module")
def pledges() -> list[Pledge]:
    return read_pledges(Settings.from_env().pledges_path)


def _last_text(chat: list[dict]) -> str:
    content = chat[-1]["content"]
    return content if isinstance(content, str) else " ".join(part.get("text", "") for part in content)


def _card_submitters(html: str) -> list[str]:
    """The submitters of the numbered cards in a sources or comparison panel."""
    return re.findall(r"<span class='pb-n'>\d+</span><strong>(.*?)</strong>", html)


# -- the API (gradio_client against the live server) ---------------------------------------------------


def test_named_endpoints(client: Client) -> None:
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    # the documented API is JSON (test_api.py); the page's own calls stay callable but undocumented
    assert {"/ask_json", "/search", "/pledges", "/similar"} <= set(endpoints)
    assert not {"/ask", "/browse", "/compare"} & set(endpoints)


def test_ask_shows_the_sources(client: Client) -> None:
    box, chat, sources, line = client.predict(OFW, [], *NO_FILTERS, api_name="/ask")
    assert box == ""  # the textbox is cleared for the next question
    assert [m["role"] for m in chat] == ["user", "assistant"]
    assert "Laguna Province" in _last_text(chat)
    assert "Laguna Province" in sources and "Quezon City" in sources
    assert "<mark>" in sources and "line" in sources and "Copy quote" in sources
    assert line.startswith("**Filters your question implied:**")


def test_follow_up_builds_on_the_conversation(client: Client) -> None:
    _, chat, _, _ = client.predict("Which Greek cities work on integration?", [], *NO_FILTERS, api_name="/ask")
    _, chat, sources, line = client.predict("and in Latin America?", chat, *NO_FILTERS, api_name="/ask")
    assert len(chat) == 4
    assert "Latin America" in line
    assert "Greece" not in sources  # the place changed, the topic carried over


def test_filter_controls_apply_to_the_answer(client: Client) -> None:
    filters = (ANY, ANY, "Greece", ANY, ANY)
    _, _, sources, line = client.predict("What are cities doing on integration?", [], *filters, api_name="/ask")
    cards = _card_submitters(sources)
    greek = {s.name for s in default_gazetteer().submitters.values() if s.country == "Greece"}
    assert cards and set(cards) <= greek
    assert "**Filters you set:** country Greece" in line


@pytest.mark.parametrize("question", ["", "   ", "x" * 2001])
def test_bad_question_gets_a_friendly_message(client: Client, question: str) -> None:
    _, chat, sources, _ = client.predict(question, [], *NO_FILTERS, api_name="/ask")
    assert chat[-1]["role"] == "assistant"
    assert _last_text(chat).startswith("I can't answer that as asked")
    assert "Traceback" not in _last_text(chat)
    assert EMPTY_SOURCES in sources


def test_browse_by_country(client: Client) -> None:
    table, count, csv_file, json_file = client.predict("", ANY, ANY, "Argentina", ANY, ANY, api_name="/browse")
    rows = table["data"]
    country = table["headers"].index("Country")
    assert rows and all(row[country] == "Argentina" for row in rows)
    assert f"**{len(rows)} of " in count
    with open(csv_file, encoding="utf-8") as f:
        assert [r["country"] for r in csv.DictReader(f)] == ["Argentina"] * len(rows)
    assert len(json.loads(Path(json_file).read_text(encoding="utf-8"))) == len(rows)


def test_browse_by_text(client: Client) -> None:
    table, _, _, _ = client.predict("filipino workers", *NO_FILTERS, api_name="/browse")
    submitters = {row[1] for row in table["data"]}
    assert {"Laguna Province", "Quezon City"} <= submitters


def test_compare_finds_other_submitters(client: Client) -> None:
    html = client.predict("Milan", 5, api_name="/compare")
    cards = _card_submitters(html)
    assert len(cards) == 5
    assert not [c for c in cards if "Milan" in c]
    assert "Similarity" in html and "Shared priorities" in html and "<blockquote>" in html


def test_compare_unknown_pledge_is_friendly(client: Client) -> None:
    html = client.predict("Atlantis", 5, api_name="/compare")
    assert "No pledge or submitter called" in html


def test_the_served_app_sends_security_headers_and_refuses_uploads(app_url: str) -> None:
    page = httpx.get(app_url)
    assert page.status_code == 200 and page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    upload = httpx.post(f"{app_url}/gradio_api/upload", files={"files": ("a.txt", b"hello")})
    assert upload.status_code == 403
    huge = httpx.post(f"{app_url}/gradio_api/queue/join", content=b"x" * 2_000_000)
    assert huge.status_code == 413


def test_an_oversized_question_is_refused_and_not_echoed_in_full() -> None:
    app = build_app(shared_bot())
    ask = next(f.fn for f in app.fns.values() if f.api_name == "ask")
    _, chat, *_ = ask("housing " * 2_000, [], None, *NO_FILTERS)  # None: a session's sources kept so far
    assert "the limit is 2000" in _last_text(chat)
    assert all(len(_message(m)) <= 2_001 for m in chat)


def _message(m: dict) -> str:
    content = m["content"]
    return content if isinstance(content, str) else " ".join(part.get("text", "") for part in content)


def test_login_is_required_when_auth_is_set() -> None:
    with running_app(shared_bot(), auth=("reporter", "s3cret")) as url:
        assert httpx.get(f"{url}/config").status_code == 401
        login_page = httpx.get(url).text
        assert "sign in" in login_page and "ask_json" not in login_page and "Montevideo" not in login_page
        client = Client(url, auth=("reporter", "s3cret"), verbose=False)
        table, _, _, _ = client.predict("", ANY, ANY, "Argentina", ANY, ANY, api_name="/browse")
        assert table["data"]
        guesses = [httpx.post(f"{url}/login", data={"username": "x", "password": str(n)}) for n in range(6)]
        assert guesses[-1].status_code == 429  # guessing is rate-limited per address


def test_a_failing_pipeline_gives_a_message_and_the_app_keeps_serving() -> None:
    bot = shared_bot()

    class Broken:
        """The real pipeline, except that answering fails."""

        def __getattr__(self, name):
            return getattr(bot, name)

        def ask(self, *args, **kwargs):
            raise RuntimeError("index exploded")

    app = build_app(Broken())
    ask = next(f.fn for f in app.fns.values() if f.api_name == "ask")
    box, chat, sources, *_ = ask(OFW, [], None, *NO_FILTERS)
    assert box == OFW  # kept, so the user can simply retry
    assert "something went wrong" in _last_text(chat)
    assert "index exploded" not in _last_text(chat)
    assert EMPTY_SOURCES in sources


def test_answers_for_several_users_run_in_parallel() -> None:
    bot = shared_bot()

    class Slow:
        """The real pipeline with a 0.6 s answer, to see whether answers overlap."""

        def __getattr__(self, name):
            return getattr(bot, name)

        def ask(self, *args, **kwargs):
            time.sleep(0.6)
            return bot.ask(*args, **kwargs)

    with running_app(Slow(), concurrency=4) as url:
        client = Client(url, verbose=False)
        started = time.perf_counter()
        jobs = [client.submit(OFW, [], *NO_FILTERS, api_name="/ask") for _ in range(4)]
        results = [job.result(timeout=30) for job in jobs]
        elapsed = time.perf_counter() - started
    assert all("Laguna Province" in r[2] for r in results)
    assert elapsed < 4 * 0.6, f"4 answers took {elapsed:.2f} s: they ran one after another"


# -- pure helpers ---------------------------------------------------------------------------------------


def _hostile_pledge() -> Pledge:
    return Pledge(
        id="2023-evil",
        year=2023,
        submitter="Evil <b>City</b>",
        submitter_kind="city",
        country="Nowhere",
        region="Europe",
        title="<script>alert('title')</script>",
        description="We commit to <script>alert(1)</script> things. Second sentence & more.",
        source=Source("Call to Local Action: 2023 Submissions › Evil", 10, 12),
        quotes=(Quote("<img src=x onerror=alert(2)>", "Mayor <i>X</i>"),),
        priorities=(3,),
    )


def test_cards_escape_html() -> None:
    p = _hostile_pledge()
    c = Citation(1, p.id, "pledge", p.submitter, p.country, 2023, p.title, "<script>alert(1)</script>", p.source)
    for html in (citation_card(c, p), pledge_card(p, NAMES)):
        assert "<script>" not in html and "<img" not in html and "<b>City" not in html
        assert "&lt;script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in pledge_card(p, NAMES)


def test_copy_button_carries_the_attributed_quote() -> None:
    p = _hostile_pledge()
    c = Citation(1, p.id, "pledge", "O'Hare", "X", 2023, "T", "say \"hi\" & 'bye'", p.source)
    m = re.search(r"data-quote='([^']*)'", citation_card(c, p))
    assert m, "the attribute value must not be cut short by a quote in the text"
    assert "&quot;hi&quot; &amp; &#x27;bye&#x27;" in m.group(1) and "lines 10–12" in m.group(1)


def test_a_printed_quote_is_shown_and_copied_with_its_speaker() -> None:
    p = dataclasses.replace(_hostile_pledge(), quotes=(Quote("Water is life. We act now.", "Ana Díaz", "Mayor of X"),))
    c = Citation(1, p.id, "pledge", p.submitter, "X", 2023, p.title, "Water is life. … We act now.", Source("S", 14, 14))
    card = citation_card(c, p)
    copied = unescape(re.search(r"data-quote='([^']*)'", card).group(1))
    assert "— Ana Díaz, Mayor of X (Localizing the Global Compacts, 2023; line 14)" in copied
    assert "<mark>Water is life. … We act now.</mark>" in card and "Ana Díaz" in card
    # a description's excerpt is still attributed to the pledge
    plain = dataclasses.replace(c, excerpt="Second sentence & more.")
    assert "Evil <b>City</b>, “" in unescape(re.search(r"data-quote='([^']*)'", citation_card(plain, p)).group(1))


def test_highlight_marks_the_excerpt_inside_the_description(pledges: list[Pledge]) -> None:
    p = next(p for p in pledges if p.submitter == "Laguna Province")
    first, *_, last = [s for s in re.split(r"(?<=\.)\s+", p.description) if s]
    html = highlight(p.description, f"{first} … {last}")
    assert [unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", html, flags=re.S)] == [first, last]
    assert unescape(re.sub(r"</?mark>", "", html)) == p.description  # the whole description, nothing lost


def test_highlight_tolerates_whitespace_and_ignores_what_is_not_there() -> None:
    text = "One line\nbroken here. Then <b>bold</b>."
    assert (
        highlight(text, "One line broken here.") == "<mark>One line\nbroken here.</mark> Then &lt;b&gt;bold&lt;/b&gt;."
    )
    assert "<mark>" not in highlight(text, "Not in the text at all.")


def test_sources_panel_empty_states() -> None:
    assert EMPTY_SOURCES in sources_html(None, {})
    abstained = Answer(question="q", text="The 2023 report has no pledge that answers this.", abstained=True)
    assert "No source answers" in sources_html(abstained, {})


def test_export_writes_the_current_view(pledges: list[Pledge], tmp_path: Path) -> None:
    view = pledges[:5]
    csv_path, json_path = export_view(view, tmp_path)
    with csv_path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["id"] for r in rows] == [p.id for p in view]
    assert rows[0]["description"] == view[0].description  # newlines and quotes survive the round trip
    assert rows[0]["line_start"] == str(view[0].source.line_start)
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert [Pledge.from_dict(d) for d in data] == view
    assert export_view(view, tmp_path) == (csv_path, json_path)  # same view, same files
    assert export_view(pledges[:2], tmp_path)[0] != csv_path


def test_every_dropdown_value_is_a_valid_filter(pledges: list[Pledge]) -> None:
    choices = filter_choices(pledges, NAMES)
    assert filters_from_controls(*NO_FILTERS) == Filters()
    for year in choices.years[1:]:
        assert filters_from_controls(year=year).year == int(year)
    for region in choices.regions[1:]:
        assert search_pledges(pledges, "", filters_from_controls(region=region))
    for country in choices.countries[1:]:
        assert search_pledges(pledges, "", filters_from_controls(country=country)), country
    for pledge_type in choices.pledge_types[1:]:
        assert filters_from_controls(pledge_type=pledge_type).pledge_types == (pledge_type,)
    assert filters_from_controls(priority=choices.priorities[3]).priority == 3
    with pytest.raises(QuestionError, match="Atlantis"):
        filters_from_controls(country="Atlantis")
    assert not set(choices.countries) & set(choices.regions) - {ANY}  # a region is never offered as a country


def test_search_needs_every_word_and_ignores_case_and_accents(pledges: list[Pledge]) -> None:
    assert {p.submitter for p in search_pledges(pledges, "SAO paulo")} >= {"São Paulo"}
    both = search_pledges(pledges, "filipino workers")
    assert both and all("filipino" in (p.description + p.title).lower() for p in both)
    assert search_pledges(pledges, "filipino zzzunknownword") == []


def test_previous_questions_reads_both_message_shapes() -> None:
    chat = [
        {"role": "user", "content": "first?"},
        {"role": "assistant", "content": "answer"},
        {"role": "user", "content": [{"type": "text", "text": "second?"}]},
        {"role": "assistant", "content": [{"type": "text", "text": "answer"}]},
    ]
    assert previous_questions(chat) == ["first?", "second?"]
    assert previous_questions(None) == []


def test_filter_line_separates_implied_from_set() -> None:
    answer = Answer(question="q", text="t", filters=Filters(countries=("Greece",), place_label="Greece", year=2023))
    line = filters_line(answer, Filters(year=2023))
    assert "implied:** place Greece" in line and "**Filters you set:** year 2023" in line
    many = {"countries": [f"C{i}" for i in range(20)]}
    assert describe_filters(many) == "country C0, C1, C2, C3 and 16 more"


def test_compare_input_accepts_label_id_or_submitter(pledges: list[Pledge]) -> None:
    labels = pledge_labels(pledges)
    assert len(labels) == len(pledges)
    milan = next(p for p in pledges if p.submitter == "Milan")
    label = next(k for k, v in labels.items() if v == milan.id)
    assert resolve_pledge(label, pledges, labels) == milan
    assert resolve_pledge(milan.id, pledges, labels) == milan
    assert resolve_pledge("milan", pledges, labels) == milan
    assert resolve_pledge("Atlantis", pledges, labels) is None


def test_overview_counts_every_pledge_once(pledges: list[Pledge]) -> None:
    points = map_points(pledges)
    assert len(points) == len({p.submitter for p in pledges})
    assert sum(pt.count for pt in points) == len(pledges)
    world, regions, types, priorities, years = overview_figures(pledges, NAMES)
    # by region, as the chat and Browse count: a pledge spanning two regions (Milan and Freetown) counts in each
    by_region = dict(zip(regions.data[0].y, regions.data[0].x, strict=True))
    for region in by_region:
        assert by_region[region] == len(search_pledges(pledges, "", filters_from_controls(region=region))), region
    assert sum(by_region.values()) == sum(len(regions_of(p)) for p in pledges)
    assert sum(types.data[0].x) == len(pledges)
    assert sum(years.data[0].y) == len(pledges)
    assert sum(priorities.data[0].x) == sum(len(p.priorities) for p in pledges)
    assert len(world.data) == 2  # outlines and submitters


def test_launch_flags_override_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import pledgebot.app.serve as ui
    import pledgebot.pipeline

    seen = {}
    monkeypatch.setenv("PLEDGEBOT_PORT", "7999")
    monkeypatch.setattr(pledgebot.pipeline.PledgeBot, "load", classmethod(lambda cls, settings: "bot"))
    monkeypatch.setattr(ui, "build_app", lambda bot, settings: (bot, settings))
    monkeypatch.setattr(ui, "serve", lambda app, settings: seen.update(app=app, settings=settings))
    ui.launch(["--host", "0.0.0.0"])
    assert (seen["settings"].host, seen["settings"].port) == ("0.0.0.0", 7999)
    ui.launch(["--port", "8123"])
    assert (seen["settings"].host, seen["settings"].port) == ("127.0.0.1", 8123)


def test_launch_reports_bad_settings_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import pledgebot.app.serve as ui

    monkeypatch.setenv("PLEDGEBOT_PORT", "abc")
    with pytest.raises(SystemExit) as exit_info:
        ui.launch([])
    assert exit_info.value.code == 1
    assert "PLEDGEBOT_PORT must be a whole number" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("values", "label", "chips"),
    [
        ((ANY,) * 5, "Filters for the answer (optional)", [None] * 5),
        ((ANY, ANY, "Greece", ANY, ANY), "Filters for the answer: 1 set", [None, None, "✕ Country: Greece", None, None]),
        (("2023", ANY, ANY, "Mirror", ANY), "Filters for the answer: 2 set",
         ["✕ Year: 2023", None, None, "✕ Pledge type: Mirror", None]),
        ((None, "", ANY, ANY, ANY), "Filters for the answer (optional)", [None] * 5),  # cleared dropdowns
    ],
)
def test_filters_in_force_become_chips(values, label, chips) -> None:
    assert filter_chips(values) == (label, chips)


@pytest.mark.parametrize(
    ("report", "year", "edition", "year_shown"),
    [
        ("lgc-2023", 2022, "Localizing the Global Compacts: First-hand", "2022 (highlighted 2022 action)"),
        ("made-up-2026", 2026, "made-up-2026", "<dd>2026</dd>"),
    ],
)
def test_a_card_and_a_copied_quote_name_the_records_own_edition(report, year, edition, year_shown) -> None:
    p = dataclasses.replace(_hostile_pledge(), report=report, year=year)
    card = pledge_card(p, {})
    assert f"<dt>Edition</dt><dd>{edition}" in card and year_shown in card
    c = Citation(1, p.id, "pledge", "City", "X", year, "T", "Second sentence & more.", p.source)
    copied = unescape(re.search(r"data-quote='([^']*)'", citation_card(c, p)).group(1))
    assert copied.endswith(f"({'Localizing the Global Compacts, 2023' if report == 'lgc-2023' else report}; lines 10–12)")


def test_the_header_names_every_loaded_edition() -> None:
    from pledgebot.app.tabs import tagline
    from pledgebot.reports import editions

    assert tagline(editions(["lgc-2023"])).startswith("Ask about the 2023 report (*Localizing the Global Compacts, 2023*):")
    assert "and made-up-2026:" in tagline(editions(["lgc-2023", "made-up-2026"]))
