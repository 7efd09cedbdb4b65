"""The Gradio app. `build_app(bot)` takes the library's objects; nothing here retrieves or ranks."""

from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402

from .config import Settings  # noqa: E402
from .corpus import read_pledges  # noqa: E402
from .records import Pledge  # noqa: E402


def build_app(pledges: list[Pledge]) -> gr.Blocks:
    """A page listing the pledges (the full chat UI comes with the app issue)."""
    rows = [[p.year, p.submitter, p.country, p.pledge_type or "—", p.title] for p in pledges]
    with gr.Blocks(title="PledgeBot") as app:
        gr.Markdown("# PledgeBot\nPledges of the Call to Local Action for Migrants and Refugees (2023 report).")
        gr.Dataframe(value=rows, headers=["Year", "Submitter", "Country", "Type", "Title"], interactive=False)
    return app


def launch(settings: Settings | None = None) -> None:
    """Build the app from the records and serve it on the configured host and port."""
    settings = settings or Settings.from_env()
    app = build_app(read_pledges(settings.pledges_path))
    app.launch(server_name=settings.host, server_port=settings.port, auth=settings.auth, share=False)
