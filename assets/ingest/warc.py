"""WARC and ARC web archives: each archived HTML response an article (main text with
trafilatura). Revisit records, non-HTML and error responses are skipped with a note; a record
that cannot be read is skipped alone, and an archive truncated part-way keeps the records
before the damage. The capture date bounds the page's own date (no page is published after it
was captured) and stands in for it when the page has none."""

from __future__ import annotations

import io
import zlib
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from assets.ingest.dates import parse_date_value
from assets.ingest.html import decode_html, extract_page
from assets.ingest.textio import UnreadableInput


def parse_warc(data: bytes, fmt: str = "warc") -> tuple[list[dict[str, Any]], list[str]]:
    """Records of the HTML responses in a (decompressed) WARC file, and notes on skipped ones."""
    records: list[dict[str, Any]] = []
    notes: list[str] = []
    skipped = 0
    try:
        for item in ArchiveIterator(io.BytesIO(data), arc2warc=True):
            if item.rec_type not in ("response", "resource"):
                skipped += item.rec_type == "revisit"  # a copy of an earlier capture: no new page
                continue
            content_type = (item.http_headers.get_header("Content-Type") if item.http_headers else None) or (
                item.rec_headers.get_header("Content-Type") or ""
            )
            status = item.http_headers.get_statuscode() if item.http_headers else "200"
            if "html" not in content_type.lower() or str(status) != "200":
                skipped += 1
                continue
            url = item.rec_headers.get_header("WARC-Target-URI")
            captured = parse_date_value(item.rec_headers.get_header("WARC-Date"))
            try:
                payload = item.content_stream().read()
                record = extract_page(decode_html(payload), url=url, captured=captured)
            except (ArchiveLoadFailed, EOFError, OSError, zlib.error):
                raise  # the archive itself is damaged from here on
            except Exception as exc:  # one unreadable page is skipped; the archive goes on
                notes.append(f"A record ({url}) could not be read ({type(exc).__name__}: {exc}); skipped.")
                continue
            if record is None:
                skipped += 1
                continue
            if record["meta_date"] is None and captured:
                # The capture date is the best remaining clue: a page is not published after it.
                record["meta_date"], record["meta_date_source"] = captured, "warc_capture"
            records.append(record)
    except (ArchiveLoadFailed, ValueError, EOFError, OSError, zlib.error) as exc:
        if not records:
            raise UnreadableInput(f"The WARC file is corrupt or truncated ({exc}).") from None
        notes.append(f"The WARC file ends in a corrupt record ({exc}); the records before it were loaded.")
    if skipped:
        notes.append(f"{skipped} revisit, non-HTML or empty WARC record(s) skipped.")
    if not records:
        raise UnreadableInput("The WARC file holds no HTML pages with text.")
    return records, notes
