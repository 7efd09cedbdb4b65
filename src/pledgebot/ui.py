"""Compatibility: the Gradio app moved to the package `pledgebot.app`; these names are re-exported from it.

New code imports from `pledgebot.app.<module>`. Importing this module imports no Gradio.
"""

from .app.browse import export_view, pledge_labels, resolve_pledge, search_pledges
from .app.chat import previous_questions
from .app.controls import ANY, describe_filters, filter_choices, filters_from_controls, filters_line
from .app.html import EMPTY_SOURCES, citation_card, highlight, pledge_card, sources_html
from .app.overview import map_points, overview_figures
from .app.serve import launch, serve
from .app.tabs import build_app

__all__ = [
    "ANY",
    "EMPTY_SOURCES",
    "build_app",
    "citation_card",
    "describe_filters",
    "export_view",
    "filter_choices",
    "filters_from_controls",
    "filters_line",
    "highlight",
    "launch",
    "map_points",
    "overview_figures",
    "pledge_card",
    "pledge_labels",
    "previous_questions",
    "resolve_pledge",
    "search_pledges",
    "serve",
    "sources_html",
]
