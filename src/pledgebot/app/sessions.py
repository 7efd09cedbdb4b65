"""What the server keeps for each session, and for how long: the numbers that bound the app's memory.

Gradio keeps a `SessionState` for every session hash it sees (`app.state_holder`): a copy of every
component's config (about 160 KB for this page, measured with tracemalloc) plus the session's `gr.State`
values. Every page load is a new session, and so is every REST call that names none, and Gradio drops the
least recently used session only beyond `state_session_capacity`, 10,000 by default: about 2 GB for this
page, reached after hours of API traffic, never freed (benchmarks/results/memory.md). `serve` sets the
capacity below; everything else kept per session is bounded in count (KEPT_ANSWERS) or in time (KEPT_TTL).

A dropped session loses nothing the page needs to go on: the conversation itself travels with each event
from the page, and an earlier answer whose sources are no longer kept says so (`chat.FORGOTTEN`); a reload
restores them from the browser's own copy (`gr.BrowserState`).
"""

from __future__ import annotations

# Sessions kept, least recently active dropped first: at ~0.2 MB each (config copy plus a conversation's
# sources) about 50 MB at most. A tab loses its session only after 250 other sessions were active since its
# own last event: 250 people asking at once, or ~20 s of new-session API calls at full speed (13 answers/s
# on two cores, benchmarks/results/load.md), far beyond what a person at a tab notices in practice.
SESSION_CAPACITY = 250

# Seconds a conversation's sources stay after its last answer: Gradio's own hold for a closed tab's state.
# Without it an idle tab would keep up to KEPT_ANSWERS panels until 250 newer sessions pushed it out.
KEPT_TTL = 3600.0

# Answers whose sources a conversation keeps, so one long conversation does not grow without end either.
KEPT_ANSWERS = 20
