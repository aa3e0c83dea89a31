"""Recognising a landing file's format and turning it into article records.

A record is a dict with the keys of `RECORD_FIELDS`; the text is the article as delivered
(for HTML and WARC, the main text extracted from the page). Plain text and Markdown may start
with header lines (`date 2025-11-04`, `source: ...`, `title: ...`, `url: ...`) or YAML-like front
matter; JSON objects, arrays and JSON Lines use the common field names of news feeds and APIs.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable

from assets.ingest.dates import parse_date_value
from assets.ingest.textio import UnreadableInput, decode_bytes

RECORD_FIELDS = ("text", "title", "url", "outlet", "author", "language", "meta_date", "meta_date_source")

TEXT_EXTENSIONS = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md"}
HTML_EXTENSIONS = {".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html"}
JSON_EXTENSIONS = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}
FEED_EXTENSIONS = {".rss": "rss", ".atom": "atom", ".xml": "feed"}
WARC_EXTENSIONS = {".warc": "warc", ".arc": "warc"}

# Header keys of plain-text files and the record field each fills.
_HEADER_KEYS = {
    "date": "date", "published": "date", "published_at": "date", "pubdate": "date",
    "source": "outlet", "outlet": "outlet", "publisher": "outlet", "site": "outlet",
    "title": "title", "headline": "title",
    "url": "url", "link": "url",
    "author": "author", "byline": "author", "by": "author",
    "language": "language", "lang": "language",
}
_HEADER_LINE = re.compile(r"^\s*(?P<key>[A-Za-z_]{2,14})\s*:\s*(?P<value>\S.*?)\s*$")
# The seed style: "date 2025-11-04" with no colon, possibly followed by the first line of text.
_DATE_LINE = re.compile(
    r"^\s*date\s*[:=]?\s*(?P<value>\d{4}-\d{2}-\d{2}(?:[T ][\d:.+\-Z]+)?)\b[ \t]*(?P<rest>.*)$", re.I
)

# JSON field names, most specific first.
JSON_TEXT = ("articleBody", "text", "body", "content", "full_text", "fulltext", "story", "description", "summary")
JSON_TITLE = ("title", "headline", "name")
JSON_URL = ("url", "link", "canonical_url", "permalink", "href")
JSON_DATE = ("published_at", "publishedAt", "published", "datePublished", "date", "pubDate",
             "pub_date", "publication_date", "created_at", "dateCreated", "time", "timestamp")
JSON_OUTLET = ("source", "outlet", "publisher", "site_name", "siteName", "site", "domain")
JSON_AUTHOR = ("author", "authors", "byline", "creator")
JSON_LANGUAGE = ("language", "lang", "inLanguage")
# Containers that hold the records in API responses ({"articles": [...]}).
JSON_CONTAINERS = ("articles", "items", "results", "data", "records", "entries", "docs", "response")


def empty_record(**values: Any) -> dict[str, Any]:
    record = dict.fromkeys(RECORD_FIELDS)
    record.update(values)
    return record


def split_header(text: str) -> tuple[dict[str, str], str]:
    """Header lines (or front matter) at the top of a text file, and the text after them."""
    lines = text.split("\n")
    fields: dict[str, str] = {}
    start = 0
    if lines and lines[0].strip() == "---":
        # YAML-like front matter: only taken when it closes and every line is key: value.
        for end in range(1, min(len(lines), 60)):
            if lines[end].strip() in ("---", "..."):
                block = [l for l in lines[1:end] if l.strip()]
                parsed = [_HEADER_LINE.match(l) for l in block]
                if block and all(parsed):
                    for match in parsed:
                        key = _HEADER_KEYS.get(match["key"].lower())
                        if key and key not in fields:
                            fields[key] = match["value"].strip().strip("\"'")
                    return fields, "\n".join(lines[end + 1:]).lstrip("\n")
                break
    index = 0
    while index < len(lines) and index < 20:
        line = lines[index]
        if not line.strip():
            index += 1
            continue
        date_match = _DATE_LINE.match(line)
        if date_match and "date" not in fields:
            fields["date"] = date_match["value"]
            rest = date_match["rest"].strip()
            index += 1
            start = index
            if rest:
                # The article itself starts on the header line: keep it as the first line.
                lines[index - 1] = rest
                start = index - 1
                break
            continue
        match = _HEADER_LINE.match(line)
        key = _HEADER_KEYS.get(match["key"].lower()) if match else None
        if not match or key is None or key in fields or (key == "url" and not _looks_url(match["value"])):
            break
        fields[key] = match["value"]
        index += 1
        start = index
    return fields, "\n".join(lines[start:]).lstrip("\n")


def _looks_url(value: str) -> bool:
    return bool(re.match(r"^(https?://|www\.)\S+$", value.strip()))


def parse_text(data: bytes, fmt: str) -> list[dict[str, Any]]:
    text, _ = decode_bytes(data)
    if not text.strip():
        raise UnreadableInput("The file is empty or holds only whitespace.")
    fields, body = split_header(text)
    if not body.strip():
        raise UnreadableInput("The file has header lines but no article text after them.")
    title = fields.get("title")
    if fmt == "md" and title is None:
        heading = re.match(r"^\s*#\s+(.+?)\s*#*\s*$", body.split("\n", 1)[0])
        title = heading.group(1) if heading else None
    meta_date = parse_date_value(fields.get("date"))
    return [
        empty_record(
            text=body,
            title=title,
            url=fields.get("url"),
            outlet=fields.get("outlet"),
            author=fields.get("author"),
            language=fields.get("language"),
            meta_date=meta_date,
            meta_date_source="header" if meta_date else None,
        )
    ]


def _first(obj: dict, keys: tuple[str, ...]) -> Any:
    lowered = {k.lower(): v for k, v in obj.items()} if isinstance(obj, dict) else {}
    for key in keys:
        value = obj.get(key, lowered.get(key.lower()))
        if value not in (None, "", [], {}):
            return value
    return None


def _as_name(value: Any) -> str | None:
    """A name from a string, an object with a name/title, or a list of those."""
    if value is None:
        return None
    if isinstance(value, list):
        names = [n for n in (_as_name(v) for v in value) if n]
        return ", ".join(names) if names else None
    if isinstance(value, dict):
        return _as_name(_first(value, ("name", "title", "displayName", "id", "url", "href")))
    text = str(value).strip()
    return text or None


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        parts = [p for p in (_as_text(v) for v in value) if p]
        return "\n\n".join(parts) if parts else None
    if isinstance(value, dict):
        return _as_text(_first(value, ("text", "value", "content", "body", "#text")))
    return str(value)


def json_record(obj: dict[str, Any], html_to_text: Callable[[str], str] | None = None) -> dict[str, Any] | None:
    """A record from one JSON object, or None when it holds no article text."""
    text = _as_text(_first(obj, JSON_TEXT))
    if text and html_to_text and re.search(r"<(p|div|br|article)\b", text, re.I):
        text = html_to_text(text)
    if not text or not text.strip():
        return None
    raw_date = _first(obj, JSON_DATE)
    meta_date = parse_date_value(raw_date)
    url = _first(obj, JSON_URL)
    return empty_record(
        text=text,
        title=_as_name(_first(obj, JSON_TITLE)) if not isinstance(_first(obj, JSON_TITLE), dict) else None,
        url=str(url).strip() if isinstance(url, str) else _as_name(url),
        outlet=_as_name(_first(obj, JSON_OUTLET)),
        author=_as_name(_first(obj, JSON_AUTHOR)),
        language=_as_name(_first(obj, JSON_LANGUAGE)),
        meta_date=meta_date,
        meta_date_source="metadata" if meta_date else None,
    )


def _json_objects(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        if _first(value, JSON_TEXT) is None:
            for key in JSON_CONTAINERS:
                inner = value.get(key)
                if isinstance(inner, list):
                    return inner
                if isinstance(inner, dict):
                    return _json_objects(inner)
        return [value]
    return []


def parse_json(
    data: bytes, fmt: str, html_to_text: Callable[[str], str] | None = None
) -> tuple[list[dict[str, Any]], list[str]]:
    """Records of a JSON document or a JSON Lines file, and notes on what was skipped."""
    text, _ = decode_bytes(data)
    if not text.strip():
        raise UnreadableInput("The file is empty or holds only whitespace.")
    notes: list[str] = []
    objects: list[Any]
    if fmt == "json":
        try:
            objects = _json_objects(json.loads(text))
        except json.JSONDecodeError as exc:
            # A .json file that is really JSON Lines is common; try that before giving up.
            if text.lstrip().startswith("{") and "\n{" in text:
                fmt = "jsonl"
            else:
                raise UnreadableInput(f"The file is not valid JSON ({exc.msg} at line {exc.lineno}).") from None
    if fmt == "jsonl":
        objects = []
        bad = []
        for number, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            try:
                objects.append(json.loads(line))
            except (json.JSONDecodeError, RecursionError):  # a line nested too deeply is bad too
                bad.append(number)
        if bad and not objects:
            raise UnreadableInput(f"None of the {len(bad)} lines of this JSON Lines file is valid JSON.")
        if bad:
            shown = ", ".join(map(str, bad[:10])) + (" ..." if len(bad) > 10 else "")
            notes.append(f"{len(bad)} malformed JSON line(s) skipped (line {shown}).")
    records = []
    skipped = 0
    for obj in objects:
        record = json_record(obj, html_to_text) if isinstance(obj, dict) else None
        if record is None:
            skipped += 1
        else:
            records.append(record)
    if skipped:
        notes.append(f"{skipped} JSON item(s) without article text skipped.")
    if not records:
        raise UnreadableInput(
            "The JSON holds no article text (no text, body, content, articleBody or description field)."
        )
    return records, notes


def sniff_format(data: bytes) -> str | None:
    """The format of decoded-looking bytes with no telling extension, from their first bytes."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"warc/", b"filedesc://")):  # WARC, or the ARC files that preceded it
        return "warc"
    if head.startswith((b"{", b"[")):
        return "json"
    if head.startswith(b"<"):
        if b"<rss" in head or b"<rdf:rdf" in head:
            return "rss"
        if b"<feed" in head:
            return "atom"
        if b"<html" in head or b"<!doctype html" in head or b"<body" in head or b"<head" in head:
            return "html"
        return "xml"
    return None
