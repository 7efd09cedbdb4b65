"""Serving the app: the look (theme and CSS), `serve` on the configured address, and the `launch` entry point.

`launch()` is what `app.py` runs. It turns Gradio's analytics off before Gradio is first imported (Gradio
reads the variable at import time, and no module here imports Gradio at import time), so the app never
phones home.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..config import Settings, entry_environment, entry_logging
from ..errors import PledgeBotError, describe_os_error
from .sessions import SESSION_CAPACITY
from .tabs import build_app

if TYPE_CHECKING:
    import gradio as gr

log = logging.getLogger(__name__)

CSS = """
#pb-header h1 { margin-bottom: 0.1em; }
#pb-header p { margin-top: 0; color: var(--body-text-color-subdued); }
.pb-empty { color: var(--body-text-color-subdued); padding: 1.5em 1em; text-align: center;
  border: 1px dashed var(--border-color-primary); border-radius: 8px; }
.pb-card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 0.7em 0.9em;
  margin-bottom: 0.8em; background: var(--background-fill-primary); }
.pb-head { display: flex; gap: 0.5em; align-items: baseline; flex-wrap: wrap; }
.pb-n { display: inline-block; min-width: 1.6em; text-align: center; border-radius: 4px; font-weight: 600;
  background: var(--color-accent-soft); color: var(--body-text-color); }
.pb-meta { color: var(--body-text-color-subdued); font-size: 0.9em; }
.pb-title { font-style: italic; margin: 0.25em 0 0.4em; }
.pb-text { white-space: pre-line; max-height: 13em; overflow-y: auto; position: relative; font-size: 0.92em;
  line-height: 1.45; padding: 0.4em 0.6em; border-radius: 6px; background: var(--background-fill-secondary); }
.pb-text.pb-full { max-height: none; }
.pb-text mark { background: #ffe27a; color: #1a1a1a; padding: 0 1px; border-radius: 2px; }
.pb-foot { display: flex; justify-content: space-between; align-items: center; gap: 0.5em; flex-wrap: wrap;
  margin-top: 0.45em; font-size: 0.85em; color: var(--body-text-color-subdued); }
.pb-copy { border: 1px solid var(--border-color-primary); border-radius: 5px; padding: 0.15em 0.6em;
  background: var(--button-secondary-background-fill); cursor: pointer; font-size: 0.95em; }
.pb-fields { display: grid; grid-template-columns: max-content 1fr; gap: 0.2em 0.9em; font-size: 0.92em;
  margin: 0.4em 0 0.7em; }
.pb-fields dt { color: var(--body-text-color-subdued); }
.pb-fields dd { margin: 0; }
.pb-quote { border-left: 3px solid var(--color-accent); margin: 0.6em 0; padding: 0.1em 0.8em; }
.pb-bar { display: inline-block; height: 0.55em; border-radius: 3px; background: var(--color-accent);
  vertical-align: middle; margin-left: 0.4em; }
.pb-pair { display: grid; grid-template-columns: 1fr 1fr; gap: 0.6em; margin-top: 0.5em; }
@media (max-width: 640px) { .pb-pair { grid-template-columns: 1fr; } }
#pb-table { --font-mono: var(--font); }  /* the table reads as text, not code */
/* On a phone the six columns would get ~50 px each and break words letter by letter: they keep readable
   widths and the table scrolls sideways instead (Gradio sizes the virtual rows' cells inline). */
@media (max-width: 640px) {
  #pb-table .virtual-table-viewport > .header-table, #pb-table .virtual-table-viewport > .virtual-body,
  #pb-table .virtual-row { min-width: 760px; }
  #pb-table .virtual-row > .body-cell:nth-child(1), #pb-table .header-table th:nth-child(1) {
    width: 60px !important; min-width: 60px !important; max-width: 60px !important; }
  #pb-table .virtual-row > .body-cell:nth-child(2), #pb-table .header-table th:nth-child(2) {
    width: 140px !important; min-width: 140px !important; max-width: 140px !important; }
  #pb-table .virtual-row > .body-cell:nth-child(3), #pb-table .header-table th:nth-child(3) {
    width: 120px !important; min-width: 120px !important; max-width: 120px !important; }
  #pb-table .virtual-row > .body-cell:nth-child(4), #pb-table .header-table th:nth-child(4) {
    width: 100px !important; min-width: 100px !important; max-width: 100px !important; }
  #pb-table .virtual-row > .body-cell:nth-child(5), #pb-table .header-table th:nth-child(5) {
    width: 80px !important; min-width: 80px !important; max-width: 80px !important; }
  #pb-table .virtual-row > .body-cell:nth-child(6), #pb-table .header-table th:nth-child(6) {
    width: 260px !important; min-width: 260px !important; max-width: 260px !important; }
}
.pb-pair blockquote { margin: 0 !important; padding: 0.4em 0.6em; border-radius: 6px; font-size: 0.92em;
  background: var(--background-fill-secondary); }
.pb-pair .pb-who { display: block; font-size: 0.85em; color: var(--body-text-color-subdued); margin-bottom: 0.2em; }
.pb-card.pb-open { outline: 3px solid var(--color-accent); outline-offset: 1px; }
#pb-sources-title h2 { font-size: var(--text-lg); margin: 0.2em 0; }
#pb-jump { display: none; flex-grow: 0 !important; }
@media (max-width: 640px) { #pb-jump { display: block; } }
.pb-jump { font-weight: 600; white-space: nowrap; color: var(--body-text-color) !important; text-decoration: underline; }
#pb-implied p { font-size: 0.9em; color: var(--body-text-color-subdued); margin: 0; }
.pb-chips { gap: 6px !important; flex-wrap: wrap !important; }
.pb-chip { flex: 0 0 auto !important; width: auto !important; white-space: nowrap; border-radius: 999px !important;
  font-weight: normal !important; }
"""


# Run once when the page loads. A dropdown's text box holds the chosen value ("Any"), and typing appended
# to it ("AnyArg", which matches nothing): selecting the text on focus makes typing search the list.
PAGE_JS = """
() => {
  document.addEventListener('focusin', (event) => {
    const input = event.target;
    if (input instanceof HTMLInputElement && input.closest('.pb-filter')) setTimeout(() => input.select(), 0);
  });
  document.body.dataset.pbReady = 'yes';  // the browser tests wait for this before they type
}
"""


def theme() -> gr.themes.Base:
    """Gradio's default look, with the bold face of its bundled font.

    The default theme pairs Source Sans Pro regular with a SemiBold file that is a 5 KB subset lacking
    most capitals, so bold text mixes two fonts ("PledgeBot" with a fallback "B"); the full Bold file
    (also bundled, served from this app, no font CDN) renders cleanly.
    """
    import gradio as gr

    font = gr.themes.LocalFont("Source Sans Pro", weights=(400, 700))
    # WCAG AA asks 4.5:1 for text: the default subdued grey (1.9:1 on white), placeholder and white-on-orange
    # primary button and the selected tab (2.8:1) fall short, so each takes a darker shade of the same hue.
    return gr.themes.Default(font=[font, "ui-sans-serif", "system-ui", "sans-serif"]).set(
        color_accent="*primary_700",  # the selected tab's label is accent-coloured text
        body_text_color_subdued="*neutral_600",
        body_text_color_subdued_dark="*neutral_400",
        input_placeholder_color="*neutral_500",
        input_placeholder_color_dark="*neutral_400",
        button_primary_background_fill="*primary_700",
        button_primary_background_fill_hover="*primary_800",
        button_primary_background_fill_dark="*primary_700",
        button_primary_background_fill_hover_dark="*primary_800",
    )


def serve(app: gr.Blocks, settings: Settings, *, prevent_thread_lock: bool = False, quiet: bool = False) -> str:
    """Launch `app` on settings.host:settings.port (login if settings.auth); returns the local URL."""
    from starlette.middleware import Middleware

    from .guard import Guard

    _, url, _ = app.launch(
        server_name=settings.host,
        server_port=settings.port,
        auth=settings.auth,
        auth_message="PledgeBot: please sign in." if settings.auth else None,
        share=False,
        prevent_thread_lock=prevent_thread_lock,
        quiet=quiet,
        ssr_mode=False,  # server-side rendering needs Node; the client-rendered page needs nothing else
        mcp_server=settings.mcp,
        app_kwargs={"middleware": [Middleware(Guard)]},  # headers, body limit, no uploads, login rate limit
        css=CSS,
        theme=theme(),
        footer_links=["api", "settings"],
        js=PAGE_JS,
        state_session_capacity=SESSION_CAPACITY,  # Gradio's 10,000 sessions is ~2 GB here: sessions.py
    )
    return url


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="pledgebot serve", description="Serve the PledgeBot app.")
    parser.add_argument("--host", help="address to bind (default: PLEDGEBOT_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (default: PLEDGEBOT_PORT or 7860)")
    return parser.parse_args(argv)


def launch(argv: Sequence[str] | None = None) -> None:
    """Load the settings and the pipeline once, build the app and serve it until interrupted."""
    # Gradio reads its analytics flag when first imported (in build_app): set the entry environment before
    entry_environment()
    from ..pipeline import PledgeBot  # the heavy import (models, index) only when serving

    args = _parse_args(argv)
    entry_logging("%(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env()
        settings = dataclasses.replace(settings, host=args.host or settings.host, port=args.port or settings.port)
        log.info("loading the pipeline (models and index)…")
        bot = PledgeBot.load(settings)
    except (PledgeBotError, ValueError) as exc:  # a bad setting or a missing corpus: a message, not a traceback
        print(f"pledgebot: error: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    except OSError as exc:  # a disk that cannot be read or written: what and where
        print(f"pledgebot: error: {describe_os_error(exc)}", file=sys.stderr)
        raise SystemExit(1) from None
    serve(build_app(bot, settings), settings)
