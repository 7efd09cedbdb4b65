"""The Gradio app: ask with visible sources, browse and export, compare pledges, overview charts and map.

`tabs.build_app(bot)` lays out the page from a loaded `PledgeBot`; `serve.serve(app, settings)` launches it
with the app's CSS, the configured address and the optional login; `serve.launch()` (what `app.py` calls)
does both. Nothing here retrieves or ranks: the handlers call the library and turn its records into HTML,
tables and figures. The pure helpers (`html`, `controls`, `browse`, `overview`) are unit-tested on their own.

Importing this package imports no Gradio and changes no environment: `launch()` turns Gradio's analytics
off before Gradio is first imported, and the modules that need Gradio import it inside their functions.
"""
