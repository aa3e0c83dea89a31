"""RSS and Atom feeds: each item an article.

Feeds are XML from strangers, so before feedparser sees the bytes they are checked with
defusedxml: a feed that declares entities (the "billion laughs" expansion) or refers to
external entities is refused rather than parsed, so nothing is expanded and no file or URL
named inside the feed is ever read. The bytes are first decoded like every other landing file
(byte-order marks, UTF-16, UTF-8, the encoding the XML declares when the bytes agree with it,
else detection), so what the safety check and feedparser see is always UTF-8. Items with a
headline but no text are kept (the cleaning step makes the headline their body); channel
titles lose their section ("Example News - business" -> "Example News").
"""

from __future__ import annotations

import calendar
import codecs
import re
from datetime import datetime, timezone
from typing import Any
from xml.etree.ElementTree import ParseError

import defusedxml
import defusedxml.ElementTree as safe_et
import feedparser

from assets.ingest.dates import parse_date_value
from assets.ingest.formats import empty_record
from assets.ingest.html import html_to_text
from assets.ingest.markup import plain_title
from assets.ingest.outlets import strip_section
from assets.ingest.textio import UnreadableInput, decode_bytes

# The encoding named in the XML declaration, and the declaration itself once decoded.
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([^"']{1,40})["']""", re.I)
_DECLARATION = re.compile(r"""^\s*(<\?xml[^>]*?)\s*\bencoding\s*=\s*["'][^"']*["']""", re.I)


_EXTERNAL = "The XML refers to external entities (files or addresses), which are never followed, so it was not parsed."


def check_xml_is_safe(data: bytes) -> None:
    """Raise UnreadableInput when the XML declares entities or external references."""
    try:
        safe_et.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.EntitiesForbidden:
        if re.search(rb"<!ENTITY[^>]*\b(?:SYSTEM|PUBLIC)\b", data, re.I):
            raise UnreadableInput(_EXTERNAL) from None
        raise UnreadableInput(
            "The XML declares its own entities (a possible entity-expansion attack), so it was not parsed."
        ) from None
    except (defusedxml.ExternalReferenceForbidden, defusedxml.DTDForbidden):
        raise UnreadableInput(_EXTERNAL) from None
    except ParseError:
        # Malformed but entity-free XML is left to feedparser's tolerant parser; entity
        # declarations are still refused outright.
        if re.search(rb"<!ENTITY[^>]*\b(?:SYSTEM|PUBLIC)\b", data, re.I):
            raise UnreadableInput(_EXTERNAL) from None
        if b"<!ENTITY" in data.upper():
            raise UnreadableInput(
                "The XML declares its own entities (a possible entity-expansion attack), so it was not parsed."
            ) from None


def _codec_name(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):
        return None


def feed_utf8(data: bytes) -> bytes:
    """The feed's bytes decoded by the project's detector and re-encoded as UTF-8, with the XML
    declaration saying so."""
    declared = _DECLARED.match(data)
    text, used = decode_bytes(data, declared.group(1).decode("ascii", "ignore") if declared else None)
    text = text.lstrip("\ufeff \t\r\n")
    # (A sibling code page may have turned the quotes into other signs: any sign will do.)
    named = re.match(r"^<\?xml[^>]*?\bencoding\s*=\s*\W?([A-Za-z][\w.:-]{1,39})", text[:200]) if not declared else None
    if named:
        # The declaration was unreadable in the raw bytes (EBCDIC, say) but reads in the
        # detected text: a sibling code page was detected; the one the feed names is decisive.
        name = _codec_name(named.group(1))
        if name and name != _codec_name(used) and not name.startswith(("utf-", "utf_")):
            try:
                again = data.decode(name)
                if again.lstrip("\ufeff \t\r\n").startswith("<?xml"):
                    text = again.lstrip("\ufeff \t\r\n")
            except (UnicodeDecodeError, LookupError):
                pass
    text = _DECLARATION.sub(r"\1", text, count=1)
    return text.encode("utf-8")


def _struct_date(entry: Any, *keys: str):
    for key in keys:
        value = entry.get(key)
        if value:
            return parse_date_value(datetime.fromtimestamp(calendar.timegm(value), tz=timezone.utc))
    return None


def parse_feed(data: bytes, fmt: str = "rss") -> tuple[list[dict[str, Any]], str, list[str]]:
    """Records of an RSS or Atom feed, the feed's format ("rss" or "atom") and notes."""
    data = feed_utf8(data)
    check_xml_is_safe(data)
    parsed = feedparser.parse(data, resolve_relative_uris=False, sanitize_html=True)
    version = parsed.get("version") or ""
    if not parsed.entries:
        if parsed.get("bozo") and not version:
            raise UnreadableInput("The file is XML but not a feed this pipeline can read (no RSS or Atom items).")
        raise UnreadableInput("The feed holds no items.")
    kind = "atom" if version.startswith("atom") else "rss"
    channel = parsed.feed
    channel_title = strip_section(plain_title(channel.get("title")))
    language = channel.get("language") or None
    records = []
    empty = headlines = 0
    for entry in parsed.entries:
        contents = entry.get("content") or []
        markup = contents[0].get("value") if contents else entry.get("summary") or entry.get("description")
        text = html_to_text(markup) if markup and "<" in markup else markup
        title = plain_title(entry.get("title"))
        if not text or not text.strip():
            if not title:
                empty += 1
                continue
            headlines += 1
            text = ""  # a headline-only item: the cleaning step makes the headline its body
        meta_date = _struct_date(entry, "published_parsed", "updated_parsed", "created_parsed")
        source = entry.get("source") or {}
        records.append(
            empty_record(
                text=text.strip(),
                title=title,
                url=entry.get("link") or None,
                outlet=strip_section(plain_title(source.get("title"))) or channel_title,
                author=entry.get("author") or None,
                language=language,
                meta_date=meta_date,
                meta_date_source="feed" if meta_date else None,
            )
        )
    notes = []
    if headlines:
        notes.append(f"{headlines} feed item(s) hold only a headline; kept with the headline as their body.")
    if empty:
        notes.append(f"{empty} feed item(s) with neither a headline nor text skipped.")
    if not records:
        raise UnreadableInput("The feed's items hold neither text nor headlines.")
    return records, kind, notes
