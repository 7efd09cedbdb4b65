"""Read the report text into Pledge and Section records, and publish/read the records files.

The report is the raw text of a PDF: captions, © lines, link markers, mayors' quotes, poster text in
other languages and paragraphs cut by page breaks sit between the parts we want. The parser works in
three passes: lines -> paragraphs (with their line ranges, artefacts marked), paragraphs -> blocks
(participants lists, narrative sections, priority actions, submissions), blocks -> records.

Modules: text (lines -> paragraphs, artefact tests), parts (where the report's parts begin, participants
lists), quotes (a quote and its attribution), priorities (the 8 priorities and their actions),
submissions (the 2023 submissions), sections (narrative sections), drafts and pledges (drafts -> Pledge
records), report (the whole parse), jsonl (records files and their fingerprint).
"""

from .jsonl import read_pledges, read_sections, records_dir, records_fingerprint, write_records
from .priorities import Priority
from .report import Corpus, parse_report

__all__ = [
    "Corpus",
    "Priority",
    "records_dir",
    "parse_report",
    "read_pledges",
    "read_sections",
    "records_fingerprint",
    "write_records",
]
