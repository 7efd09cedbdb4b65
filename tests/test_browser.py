"""The app in a real browser: Debian's chromium driven by Playwright against a live server.

One server and one browser serve the whole module. Screenshots go to screenshots/ (git-ignored). With
PLEDGEBOT_DOC_SCREENSHOTS=1 the last test also rewrites the README's docs/screenshots/*.png.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        "browser tests need Debian's chromium at /usr/bin/chromium (apt-get install chromium)", allow_module_level=True
    )
sync_api = pytest.importorskip("playwright.sync_api")

from test_ui import OFW, running_app, shared_bot  # noqa: E402 - one pipeline for the session

from pledgebot.charts import MAP_TITLE  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::Warning:gradio.queueing")]

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "screenshots"
DOC_SHOTS = ROOT / "docs" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
ROWS_JS = """() => [...document.querySelectorAll('#pb-table div.virtual-row[role=row]')]
    .map(row => [...row.querySelectorAll('[role=gridcell]')].map(cell => cell.innerText.trim()))"""


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    with running_app(shared_bot()) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Session:
    """A fresh page on the app, recording the URL of every request it makes."""

    def __init__(self, browser: sync_api.Browser, url: str, viewport: dict | None = None) -> None:
        self.context = browser.new_context(viewport=viewport or VIEWPORT)
        self.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.goto(url)
        self.page.wait_for_selector("#pb-question input, #pb-question textarea")
        # the page's own script (select-on-focus in the filters) runs after the first render
        self.page.wait_for_selector("body[data-pb-ready]", state="attached")

    def tab(self, name: str) -> None:
        self.page.get_by_role("tab", name=name).click()

    def foreign_requests(self) -> list[str]:
        """Requests to any host but this machine (data: and blob: URLs never leave the page)."""
        return [
            u
            for u in self.requests
            if urlparse(u).scheme in ("http", "https", "ws", "wss") and urlparse(u).hostname not in LOCAL_HOSTS
        ]

    def ask(self, question: str) -> str:
        """Ask in the chat box; returns the text of the answer's sources panel once it shows."""
        turn = 2 * self.page.locator("#pb-chat .message-row.user-row").count() + 1  # the answer's chat index
        box = self.page.locator("#pb-question input, #pb-question textarea").first
        box.fill(question)
        box.press("Enter")
        self.page.wait_for_selector(f"#pb-sources .pb-turn[data-turn='{turn}']", timeout=30_000)
        return self.page.locator("#pb-sources").inner_text()

    def pick(self, elem_id: str, value: str) -> None:
        """Choose `value` in a dropdown by typing it, as a user would."""
        field = self.page.locator(f"#{elem_id} input")
        field.fill(value)
        self.page.locator(f"#{elem_id}").get_by_role("option", name=value, exact=True).click()
        self.page.wait_for_function(f"() => document.querySelector('#{elem_id} input').value === {value!r}")

    def rows(self) -> list[list[str]]:
        return self.page.evaluate(ROWS_JS)

    def shot(self, name: str, directory: Path = SHOTS, full_page: bool = False) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(directory / f"{name}.png"), full_page=full_page)


@pytest.fixture
def session(browser: sync_api.Browser, app_url: str) -> Iterator[Session]:
    s = Session(browser, app_url)
    yield s
    s.context.close()


@pytest.fixture
def phone(browser: sync_api.Browser, app_url: str) -> Iterator[Session]:
    """A fresh page on a phone-sized screen."""
    s = Session(browser, app_url, PHONE)
    yield s
    s.context.close()


def test_ask_with_enter_shows_sources(session: Session) -> None:
    page = session.page
    assert "Sources for the answer appear here" in page.locator("#pb-sources").inner_text()
    sources = session.ask(OFW)
    assert "Laguna Province" in sources and "Quezon City" in sources
    assert page.locator("#pb-sources mark").count() >= 3
    chat = page.locator("#pb-chat").inner_text()
    assert OFW in chat and "Laguna Province" in chat
    # the copy button puts the attributed quote on the clipboard
    button = page.locator("#pb-sources .pb-card", has_text="Laguna Province").locator("button.pb-copy")
    button.click()
    page.wait_for_function("() => [...document.querySelectorAll('button.pb-copy')].some(b => b.innerText === 'Copied')")
    assert "Laguna Province" in page.evaluate("navigator.clipboard.readText()")
    session.shot("ask")
    assert session.foreign_requests() == []


def test_example_click_asks_and_scrolls_to_the_quote(session: Session) -> None:
    page = session.page
    page.get_by_text("Which Greek cities work on integration?").first.click()
    page.wait_for_function("() => document.querySelector('#pb-sources').innerText.includes('Athens')", timeout=30_000)
    assert "Greece" in page.locator("#pb-implied").inner_text()
    # each description box is scrolled so that its highlighted quote is in view
    scrolled = page.evaluate(
        """() => [...document.querySelectorAll('#pb-sources .pb-text')].map(box => {
            const mark = box.querySelector('mark');
            return !mark || (mark.offsetTop >= box.scrollTop && mark.offsetTop <= box.scrollTop + box.clientHeight);
        })"""
    )
    assert scrolled and all(scrolled)


def test_typed_markup_shows_as_typed_and_fetches_nothing(session: Session) -> None:
    typed = "<img src=/x> **bold** [a](/y) <script>alert(1)</script> pledges?"
    session.ask(typed)
    question = session.page.locator("#pb-chat .message-row.user-row").last
    assert question.inner_text().strip() == typed
    assert question.locator("img, script, strong, a").count() == 0
    assert not [u for u in session.requests if urlparse(u).path in ("/x", "/y")]


def test_each_answer_keeps_its_sources_and_its_citations_open_them(session: Session) -> None:
    page = session.page
    first = session.ask(OFW)
    second = session.ask("Which pledges come from Kenya?")
    assert "Laguna Province" in first and "Laguna Province" not in second
    assert page.locator("#pb-sources .pb-turn").get_attribute("data-turn") == "3"
    # the second marker of the first answer opens the first answer's second card, outlined, in view
    # a click while the chat is still re-rendering the last answer can land on a marker that is being replaced
    # (seen once, in a fresh-clone run on a loaded machine): click again, a bounded number of times
    opened = "#pb-sources .pb-turn[data-turn='1'] #pb-source-2.pb-open"
    for _ in range(3):
        page.locator("#pb-chat a[href='#pb-src-1-2']").click()
        with contextlib.suppress(sync_api.TimeoutError):
            page.wait_for_selector(opened, timeout=10_000)
            break
    page.wait_for_selector(opened, timeout=1_000)
    assert page.locator("#pb-sources").inner_text() == first
    assert page.locator("#pb-source-2").is_visible()
    assert "Kenya" not in page.locator("#pb-implied").inner_text()  # the filter line is that answer's too
    assert len(session.context.pages) == 1  # a citation never opens a tab


def test_a_long_answer_lists_the_matches_it_did_not_quote(session: Session) -> None:
    page = session.page
    session.ask("pledges about employment")
    shown = re.search(r"(\d+) pledges match; the (\d+) most relevant", page.locator("#pb-chat").inner_text())
    assert shown, page.locator("#pb-chat").inner_text()[-300:]
    rest = int(shown.group(1)) - int(shown.group(2))
    more = page.locator("#pb-chat details.pb-more")
    assert f"The other {rest} " in more.inner_text()
    more.locator("summary").click()
    assert more.locator("li").count() == rest


def test_a_new_answer_reads_from_its_first_line(session: Session) -> None:
    page = session.page
    session.ask(OFW)
    session.ask("Which pledges work on shelter and housing for refugees?")
    # the latest question sits at the top of the conversation's view, its answer right below; the page scrolls
    # once the answer has rendered, which takes longer on a loaded machine (over 5 s once, in a fresh-clone run): wait
    # for it, within bounds
    offset = """() => {
        const wrap = document.querySelector('#pb-chat .bubble-wrap');
        const rows = wrap.querySelectorAll('.message-row.user-row');
        return rows[rows.length - 1].getBoundingClientRect().top - wrap.getBoundingClientRect().top;
    }"""
    with contextlib.suppress(sync_api.TimeoutError):  # the assertion below says where the question was
        page.wait_for_function(f"() => {{ const o = ({offset})(); return o >= 0 && o < 60; }}", timeout=20_000)
    assert 0 <= (where := page.evaluate(offset)) < 60, where


def test_clearing_the_chat_clears_sources_filter_line_and_filters(session: Session) -> None:
    page = session.page
    page.get_by_text("Filters for the answer (optional)").click()
    session.pick("pb-ask-country", "Greece")
    session.ask("What are cities doing on integration?")
    assert "Greece" in page.locator("#pb-implied").inner_text()
    page.locator("#pb-chat button[aria-label='Clear']").first.click()
    page.wait_for_function("() => document.querySelector('#pb-sources').innerText.includes('appear here')")
    assert page.locator("#pb-chat .message-row").count() == 0
    assert page.locator("#pb-implied").inner_text().strip() == ""
    assert page.locator("#pb-ask-country input").input_value() == "Any"


def test_filters_in_force_show_as_chips_that_remove_them(session: Session) -> None:
    page = session.page
    page.get_by_text("Filters for the answer (optional)").click()
    session.pick("pb-ask-country", "Greece")
    session.pick("pb-ask-type", "Mirror")
    chip = page.locator(".pb-chip", has_text="Country: Greece")
    chip.wait_for(state="visible")
    page.locator(".pb-chip", has_text="Pledge type: Mirror").wait_for(state="visible")
    page.get_by_text("Filters for the answer: 2 set").first.wait_for(state="visible")
    chip.click()
    page.wait_for_function("() => document.querySelector('#pb-ask-country input').value === 'Any'")
    chip.wait_for(state="hidden")
    page.get_by_text("Filters for the answer: 1 set").first.wait_for(state="visible")


def test_a_link_with_a_question_opens_it_answered(session: Session, app_url: str) -> None:
    page = session.page
    page.goto(f"{app_url}/?q={quote(OFW)}")
    page.wait_for_selector("#pb-sources .pb-turn[data-turn='1'] .pb-card", timeout=30_000)
    assert OFW in page.locator("#pb-chat .message-row.user-row").first.inner_text()
    assert "Laguna Province" in page.locator("#pb-sources").inner_text()


def test_the_conversation_survives_a_reload(session: Session) -> None:
    page = session.page
    first = session.ask(OFW)
    page.reload()
    page.wait_for_selector("#pb-sources .pb-turn[data-turn='1'] .pb-card", timeout=30_000)
    assert OFW in page.locator("#pb-chat .message-row.user-row").first.inner_text()
    assert page.locator("#pb-sources").inner_text() == first
    session.ask("and in Greece?")  # a follow-up still reads the restored conversation
    assert "Greece" in page.locator("#pb-implied").inner_text()


def test_typing_in_a_filter_searches_its_list(session: Session) -> None:
    page = session.page
    session.tab("Browse")
    field = page.locator("#pb-browse-country input")
    field.click()
    # focusing selects "Any" a moment later; typing before that would still append to it
    page.wait_for_function(
        "(el) => el === document.activeElement && el.selectionStart === 0 && el.selectionEnd === el.value.length",
        arg=field.element_handle(),
        timeout=10_000,
    )
    page.keyboard.type("Arg")  # typed over "Any", not after it
    # the list re-renders as it filters: wait until it shows the one match (a single read could catch it empty)
    page.wait_for_function(
        """() => { const o = [...document.querySelectorAll('#pb-browse-country [role=option]')];
                   return o.length === 1 && o[0].innerText.trim() === 'Argentina'; }""",
        timeout=10_000,
    )
    page.keyboard.press("Enter")
    page.wait_for_function("() => / of 77 pledges/.test(document.querySelector('#pb-count').innerText)")


def test_browse_sorts_where_its_hint_says(session: Session) -> None:
    page = session.page
    session.tab("Browse")
    page.wait_for_function("() => document.querySelector('#pb-count').innerText.includes('77 pledges')")
    assert "⋮ menu" in page.locator("#pb-count").inner_text()
    submitter = page.locator("#pb-table [role=columnheader]").nth(1)
    submitter.hover()
    submitter.get_by_role("button", name="Open cell menu").click()
    page.get_by_text("Sort descending").click()
    page.wait_for_function(f"() => ({ROWS_JS})()[0][1] !== 'Amman'")
    names = [row[1] for row in session.rows()]
    assert names[:3] == sorted(names, key=str.casefold, reverse=True)[:3], names[:5]
    # a row still opens its own pledge after sorting
    page.locator("#pb-table div.virtual-row[role=row]").first.locator("[role=gridcell]").last.click()
    page.wait_for_selector("#pb-card dl")
    assert names[0] in page.locator("#pb-card").inner_text()


def test_on_a_phone_the_sources_are_one_tap_away(phone: Session, browser: sync_api.Browser, app_url: str) -> None:
    phone.ask(OFW)
    page = phone.page
    # below the fold of the page, wherever the answer's own scroll has got to when this is measured
    top = page.evaluate("() => document.querySelector('#pb-sources-title').getBoundingClientRect().top + window.scrollY")
    assert top > 844
    page.locator("a.pb-jump").click()
    page.wait_for_function("() => document.querySelector('#pb-sources-title').getBoundingClientRect().top < 844")
    assert page.locator("#pb-sources .pb-card").first.is_visible()
    wide = Session(browser, app_url)
    try:
        assert not wide.page.locator("a.pb-jump").is_visible()
    finally:
        wide.context.close()


def test_on_a_phone_the_browse_table_keeps_words_whole(phone: Session) -> None:
    phone.tab("Browse")
    phone.page.wait_for_selector("#pb-table .virtual-row .body-cell")
    # lines each of the first row's short cells takes: a year or a country on one line, not one per letter
    lines = phone.page.evaluate(
        """() => [...document.querySelector('#pb-table .virtual-row').querySelectorAll('.body-cell span')]
            .slice(0, 5).map(span => span.getClientRects().length)"""
    )
    assert lines and max(lines) == 1, lines
    scrolls = phone.page.evaluate(
        "() => { const v = document.querySelector('#pb-table .virtual-table-viewport'); "
        "return v.scrollWidth > v.clientWidth; }"
    )
    assert scrolls  # the rest of the table is a sideways scroll away


def test_on_a_phone_chart_toolbars_leave_titles_readable(phone: Session) -> None:
    phone.tab("Overview")
    phone.page.wait_for_selector("#pb-map .modebar", state="attached")
    overlaps = phone.page.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot')].map((plot) => {
            const title = plot.querySelector('.gtitle'), bar = plot.querySelector('.modebar');
            if (!title || !bar) return null;
            const a = title.getBoundingClientRect(), b = bar.getBoundingClientRect();
            return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        })"""
    )
    assert overlaps and None not in overlaps and not any(overlaps), overlaps


def test_every_tab_stays_reachable_whichever_was_visited(session: Session) -> None:
    page = session.page
    names = "() => [...document.querySelectorAll('[role=tab]')].filter(t => t.offsetParent).map(t => t.innerText.trim())"
    for tab in ("Browse", "Compare", "Overview", "Ask"):
        session.tab(tab)
        page.wait_for_timeout(300)
        assert page.evaluate(names) == ["Ask", "Browse", "Compare", "Overview"], tab


def test_browse_filter_by_country_and_open_a_pledge(session: Session) -> None:
    page = session.page
    session.tab("Browse")
    page.wait_for_function("() => document.querySelector('#pb-count').innerText.includes('77 pledges')")
    session.pick("pb-browse-country", "Argentina")
    page.wait_for_function("() => / of 77 pledges/.test(document.querySelector('#pb-count').innerText)")
    shown = int(re.search(r"(\d+) of 77", page.locator("#pb-count").inner_text()).group(1))
    page.wait_for_function(f"() => ({ROWS_JS})().length === {shown}")
    rows = session.rows()
    country = 2  # Year, Submitter, Country, ...
    assert rows and all(row[country] == "Argentina" for row in rows), rows
    page.locator("#pb-table div.virtual-row[role=row]").first.locator("[role=gridcell]").last.click()
    page.wait_for_selector("#pb-card dl")
    card = page.locator("#pb-card").inner_text()
    assert rows[0][-1] in card and "Argentina" in card and "lines" in card
    session.shot("browse")
    assert session.foreign_requests() == []


def test_overview_renders_charts_and_map_without_network(session: Session) -> None:
    page = session.page
    session.tab("Overview")
    page.wait_for_selector("#pb-map .js-plotly-plot .main-svg", timeout=20_000)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 5")
    assert page.locator(".js-plotly-plot .main-svg").count() >= 5
    assert page.get_by_text(MAP_TITLE).first.is_visible()
    assert page.locator("#pb-map .scatterlayer .point").count() > 40  # one marker per submitter
    session.shot("overview", full_page=True)
    assert not [u for u in session.requests if "plot.ly" in u or "plotly.com" in u]
    assert session.foreign_requests() == []


def test_compare_tab_shows_comparable_pledges(session: Session) -> None:
    session.tab("Compare")
    panel = session.page.locator("#pb-compare")
    panel.locator(".pb-card").nth(5).wait_for()
    text = panel.inner_text()
    assert "Similarity" in text and "Shared priorities" in text
    session.shot("compare")


@pytest.mark.parametrize("viewport", [{"width": 1440, "height": 900}, {"width": 390, "height": 844}], ids=["desktop", "phone"])
@pytest.mark.parametrize("tab", ["Ask", "Browse", "Compare", "Overview"])
def test_no_serious_accessibility_violation(browser: sync_api.Browser, app_url: str, tab: str, viewport: dict) -> None:
    """axe-core (bundled by axe-playwright-python) over each tab, the Ask tab with an answer and its sources."""
    axe = pytest.importorskip("axe_playwright_python.sync_playwright").Axe()
    s = Session(browser, app_url, viewport)
    try:
        if tab == "Ask":
            s.ask(OFW)
            # the progress overlay fades components while an answer is pending: measure after it has gone
            s.page.wait_for_function("() => !document.querySelector('.pending, .generating')")
            s.page.wait_for_timeout(600)
        else:
            s.tab(tab)
            s.page.wait_for_timeout(1500)  # the tab's first render
        violations = axe.run(s.page).response["violations"]
    finally:
        s.context.close()
    serious = [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == []


@pytest.mark.skipif(not os.environ.get("PLEDGEBOT_DOC_SCREENSHOTS"), reason="set PLEDGEBOT_DOC_SCREENSHOTS=1")
def test_write_doc_screenshots(session: Session) -> None:
    """The README's screenshots, one per tab, at 1280x900."""
    page = session.page
    session.ask(OFW)
    page.wait_for_timeout(500)
    # start the conversation at the question, as a reader would scroll it
    page.evaluate("() => document.querySelectorAll('#pb-chat *').forEach(el => { el.scrollTop = 0; })")
    session.shot("ask", DOC_SHOTS)
    session.tab("Browse")
    session.pick("pb-browse-region", "Europe")
    page.wait_for_function("() => / of 77 pledges/.test(document.querySelector('#pb-count').innerText)")
    page.locator("#pb-table div.virtual-row[role=row]").nth(1).locator("[role=gridcell]").last.click()
    page.wait_for_selector("#pb-card dl")
    session.shot("browse", DOC_SHOTS)
    session.pick("pb-browse-region", "Any")
    page.wait_for_function("() => document.querySelector('#pb-count').innerText.includes('77 pledges')")
    session.tab("Compare")
    page.locator("#pb-compare .pb-card").nth(3).wait_for()
    session.shot("compare", DOC_SHOTS)
    session.tab("Overview")
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 5")
    page.wait_for_timeout(800)
    session.shot("overview", DOC_SHOTS)
    for name in ("ask", "browse", "compare", "overview"):
        assert (DOC_SHOTS / f"{name}.png").stat().st_size < 400_000
