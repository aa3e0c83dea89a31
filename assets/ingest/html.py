"""Main text and metadata of HTML pages, with trafilatura.

The text is trafilatura's extraction (its precise variant when that keeps most of the text),
without the headline, which goes to the title; title, date, site name, canonical url and author
come from the page's metadata. When trafilatura finds almost no text, its baseline extractor is
tried as a fallback and the longer text kept. Lengths are compared in script-aware words
(characters for Chinese, Japanese and Thai), so a clean CJK article is not taken for a failed
extraction. A page's metadata date is checked against what the page can be: a date from a
namespace url (`w3.org/2000/01/rdf-schema`), a January 1st the page never states (a year
alone, such as a copyright or a script's), a date before the web or after the page was
captured are refused with a note, and the next source of a date is used.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import urlparse

from assets.ingest.dates import parse_date_value
from assets.ingest.formats import empty_record
from assets.ingest.markup import strip_markup
from assets.ingest.textio import UnreadableInput, count_words, decode_bytes

# The first web page was put online on this day; no page is older.
FIRST_WEB_PAGE = date(1991, 8, 6)

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
    text, _ = decode_bytes(data, _charset_hint(data))
    return text


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment (a feed item's content, a JSON body with markup)."""
    import trafilatura  # imported when there is HTML: it costs a fifth of a second at every process start

    extracted = trafilatura.extract(markup, favor_recall=True, include_comments=False, include_tables=True)
    if extracted and extracted.strip():
        return strip_markup(extracted)
    from lxml import html as lxml_html

    try:
        tree = lxml_html.fromstring(markup)
        # Script and style elements are code, not text (text_content() would keep them).
        for element in tree.xpath("//script|//style|//noscript|//template"):
            element.drop_tree()
        return strip_markup(tree.text_content())
    except Exception:  # a fragment lxml cannot parse is stripped of its tags as text
        return strip_markup(re.sub(r"<[^>]+>", " ", markup))


def _without_headline(text: str, title: str | None) -> str:
    # The headline goes to the title column; the body starts with the article's first paragraph.
    if not title:
        return text
    first, _, rest = text.partition("\n")
    same = re.findall(r"\w+", first.casefold()) == re.findall(r"\w+", title.casefold())
    return rest.lstrip("\n") if same and rest.strip() else text


_NAMESPACE_URL = re.compile(
    r"""xmlns(?::[\w.-]+)?\s*=\s*["']([^"']+)|https?://(?:www\.)?(?:w3\.org|purl\.org|ogp\.me|schema\.org|"""
    r"""xmlns\.com|rdfs\.org|ns\.adobe\.com|search\.yahoo\.com/mrss)/[^\s"'<>]*""",
    re.I,
)
_SCRIPTS = re.compile(r"<(script|style)\b(?![^>]*ld\+json)[^>]*>.*?</\1\s*>", re.I | re.S)


def _states_day(markup: str, value: date) -> bool:
    """Whether the page's text or attributes (scripts aside) write `value` out as a full date."""
    visible = _SCRIPTS.sub(" ", markup)
    y, m, d = value.year, value.month, value.day
    month = value.strftime("%B")
    patterns = (
        rf"{y}-0?{m}-0?{d}(?!\d)", rf"{y}/0?{m}/0?{d}(?!\d)", rf"(?<!\d)0?{d}\.0?{m}\.{y}",
        rf"(?<!\d)0?{m}/0?{d}/{y}", rf"{month[:3]}\w*\.? 0?{d}(?:st|nd|rd|th)?,? {y}",
        rf"(?<!\d)0?{d}(?:st|nd|rd|th)?\.? (?:of )?{month[:3]}\w*\.?,? {y}",
    )
    return any(re.search(p, visible, re.I) for p in patterns)


def implausible_date(value: date, markup: str, captured: date | None = None) -> str | None:
    """Why a page's metadata date cannot be its publication date, or None when it can be."""
    if value < FIRST_WEB_PAGE:
        return f"{value} is before the first web page existed"
    if captured is not None and value > captured:
        return f"{value} is after the page was captured ({captured})"
    for match in _NAMESPACE_URL.finditer(markup[:200000]):
        for found in re.finditer(r"(?<!\d)((?:19|20)\d\d)/([01]\d)(?:/([0-3]\d))?", match.group(0)):
            year, month, day = int(found[1]), int(found[2]), int(found[3] or 1)
            if (year, month, day) == (value.year, value.month, value.day):
                return f"{value} comes from a namespace address ({found.group(0)} in {match.group(0)[:60]})"
    if (value.month, value.day) == (1, 1) and not _states_day(markup, value):
        return f"{value} stands for a year alone: the page never writes that day out"
    return None


def extract_page(markup: str, url: str | None = None, captured: date | None = None) -> dict[str, Any] | None:
    """A record from one HTML page, or None when the page holds no text.

    trafilatura runs twice: as it comes and favouring precision. The precise text is kept when
    it holds at least PRECISE_MIN_SHARE of the words of the other (it then mostly dropped
    teasers, captions and link lists); below that it cut into the article itself."""
    import trafilatura

    options = dict(url=url, with_metadata=True, include_comments=False, include_tables=True, deduplicate=False)
    document = trafilatura.bare_extraction(markup, **options)
    precise = trafilatura.bare_extraction(markup, favor_precision=True, **options)
    meta = document.as_dict() if document is not None else {}
    text = (meta.get("text") or "").strip()
    precise_text = ((precise.as_dict().get("text") if precise is not None else None) or "").strip()
    if precise_text and count_words(precise_text) >= PRECISE_MIN_SHARE * count_words(text):
        text = precise_text
    if count_words(text) < SHORT_EXTRACTION_WORDS:
        _, baseline_text, _ = trafilatura.baseline(markup)
        if count_words(baseline_text) > count_words(text):
            text = baseline_text.strip()
    text = strip_markup(text)
    if not text:
        return None
    if not meta:
        meta = (trafilatura.extract_metadata(markup) or trafilatura.settings.Document()).as_dict()
    text = _without_headline(text, meta.get("title"))
    page_url = meta.get("url") or url
    meta_date = parse_date_value(meta.get("date"))
    notes = []
    why = implausible_date(meta_date, markup, captured) if meta_date else None
    if why:
        notes.append(f"Page date refused: {why}; the next source of a date was used.")
        meta_date = None
    record = empty_record(
        text=text,
        title=meta.get("title"),
        url=page_url,
        outlet=meta.get("sitename") or _hostname(page_url),
        author=meta.get("author"),
        language=meta.get("language"),
        meta_date=meta_date,
        meta_date_source="html" if meta_date else None,
    )
    record["notes"] = notes
    return record


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
