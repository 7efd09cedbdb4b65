"""A report published as a PDF: its text, as pypdf extracts it, for the parser to read like the report's .txt.

The parser reads text, and every record cites lines of that text, so the extracted text is kept (beside the
records, as `<name>.txt`) and parsed from there: each citation then points at lines a reader can open.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import CorpusError
from ..fileio import atomic_write_text


def pdf_text(path: Path) -> str:
    """The text of every page of the PDF at `path`, page after page; CorpusError for a file that is not a
    readable PDF or holds no text (a scan needs OCR first)."""
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
    except ImportError:  # pragma: no cover - a dependency; named in case an install left it out
        raise CorpusError("reading a PDF needs pypdf (pip install pypdf)", path=path) from None
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise CorpusError("the PDF is encrypted: save an unprotected copy first", path=path)
        # a page's text ends with its last line's newline: one line break between pages, not two
        text = "\n".join(page.extract_text().removesuffix("\n") for page in reader.pages)
    except CorpusError:
        raise
    except (PyPdfError, OSError, ValueError, KeyError, TypeError) as exc:  # pypdf raises these on damaged files
        raise CorpusError(f"not a readable PDF: {exc}", path=path) from None
    if not text.strip():
        raise CorpusError("the PDF holds no text (a scanned report needs OCR first)", path=path)
    return text + "\n"


def save_pdf_text(path: Path, folder: Path) -> Path:
    """The PDF's text written (atomically) to `folder/<its name>.txt`, the report text its records cite."""
    text = pdf_text(path)
    target = folder / f"{path.stem}.txt"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_text(target, text)
    except OSError as exc:
        raise CorpusError(f"cannot keep the PDF's text beside the records: {exc}", path=target) from None
    return target
