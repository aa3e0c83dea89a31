"""Main text and metadata of HTML pages, with trafilatura.

The text is trafilatura's extraction (its precise variant when that keeps most of the text),
without the headline, which goes to the title; title, date, site name, canonical url and author
come from the page's metadata. When trafilatura finds almost no text, its baseline extractor is
tried as a fallback and the longer text kept.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

import trafilatura

from assets.ingest.dates import parse_date_value
from assets.ingest.formats import empty_record
from assets.ingest.textio import UnreadableInput, decode_bytes

# Below this many words, trafilatura's extraction is compared with its baseline extractor (which
# keeps more of the page): worth it only for pages where the extraction nearly failed.
SHORT_EXTRACTION_WORDS = 25
# The precision-favouring extraction is kept when it holds at least this share of the words.
PRECISE_MIN_SHARE = 0.7


def _charset_hint(data: bytes) -> str | None:
    match = re.search(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_\-]+)", data[:4096], re.I)
    return match.group(1).decode("ascii", "ignore").lower() if match else None


def decode_html(data: bytes) -> str:
    """HTML bytes to text, trusting a declared charset only when the bytes agree with it."""
    hint = _charset_hint(data)
    if hint and hint not in ("utf-8", "utf8"):
        try:
            return data.decode(hint)
        except (LookupError, UnicodeDecodeError):
            pass
    text, _ = decode_bytes(data)
    return text


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment (a feed item's content, a JSON body with markup)."""
    extracted = trafilatura.extract(markup, favor_recall=True, include_comments=False, include_tables=True)
    if extracted and extracted.strip():
        return extracted
    from lxml import html as lxml_html

    try:
        return lxml_html.fromstring(markup).text_content()
    except Exception:  # a fragment lxml cannot parse is left as it came
        return re.sub(r"<[^>]+>", " ", markup)


def _without_headline(text: str, title: str | None) -> str:
    # The headline goes to the title column; the body starts with the article's first paragraph.
    if not title:
        return text
    first, _, rest = text.partition("\n")
    same = re.findall(r"\w+", first.casefold()) == re.findall(r"\w+", title.casefold())
    return rest.lstrip("\n") if same and rest.strip() else text


def extract_page(markup: str, url: str | None = None) -> dict[str, Any] | None:
    """A record from one HTML page, or None when the page holds no text.

    trafilatura runs twice: as it comes and favouring precision. The precise text is kept when
    it holds at least PRECISE_MIN_SHARE of the words of the other (it then mostly dropped
    teasers, captions and link lists); below that it cut into the article itself."""
    options = dict(url=url, with_metadata=True, include_comments=False, include_tables=True, deduplicate=False)
    document = trafilatura.bare_extraction(markup, **options)
    precise = trafilatura.bare_extraction(markup, favor_precision=True, **options)
    meta = document.as_dict() if document is not None else {}
    text = (meta.get("text") or "").strip()
    precise_text = ((precise.as_dict().get("text") if precise is not None else None) or "").strip()
    if precise_text and len(precise_text.split()) >= PRECISE_MIN_SHARE * len(text.split()):
        text = precise_text
    if len(text.split()) < SHORT_EXTRACTION_WORDS:
        _, baseline_text, _ = trafilatura.baseline(markup)
        if len((baseline_text or "").split()) > len(text.split()):
            text = baseline_text.strip()
    if not text:
        return None
    if not meta:
        meta = (trafilatura.extract_metadata(markup) or trafilatura.settings.Document()).as_dict()
    text = _without_headline(text, meta.get("title"))
    page_url = meta.get("url") or url
    meta_date = parse_date_value(meta.get("date"))
    return empty_record(
        text=text,
        title=meta.get("title"),
        url=page_url,
        outlet=meta.get("sitename") or _hostname(page_url),
        author=meta.get("author"),
        language=meta.get("language"),
        meta_date=meta_date,
        meta_date_source="html" if meta_date else None,
    )


def _hostname(url: str | None) -> str | None:
    if not url:
        return None
    host = urlparse(url if "//" in url else "//" + url).hostname
    return host.removeprefix("www.") if host else None


def parse_html(data: bytes, fmt: str = "html") -> list[dict[str, Any]]:
    markup = decode_html(data)
    if not markup.strip():
        raise UnreadableInput("The file is empty or holds only whitespace.")
    record = extract_page(markup)
    if record is None:
        raise UnreadableInput("The HTML page holds no readable text.")
    return [record]
