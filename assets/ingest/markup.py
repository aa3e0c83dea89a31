"""Markup that must not reach a title or a body: HTML tags and entities left in titles (an Atom
title of type html), script and style code that a sanitizer attack smuggled past the parsers,
and literal tags (`<iframe ...>`) that an extractor kept as text. Only the names of real HTML
elements count as tags, so "a < b and c > d" in prose stays as written.
"""

from __future__ import annotations

import html
import re

_BLOCKS = re.compile(r"<(script|style|noscript|template)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_OPEN_BLOCK = re.compile(r"<(?:script|style)\b[^>]*>.*", re.I | re.S)  # never closed: to the end
_COMMENT = re.compile(r"<!--.*?(?:-->|$)|<!\[CDATA\[|\]\]>", re.S)
_TAG_NAMES = (
    "a|abbr|address|applet|area|article|aside|audio|b|base|basefont|bdi|bdo|big|blink|blockquote|body|br|"
    "button|canvas|caption|center|cite|code|col|colgroup|data|dd|del|details|dfn|dialog|div|dl|dt|em|embed|"
    "fieldset|figcaption|figure|font|footer|form|frame|frameset|h[1-6]|head|header|hr|html|i|iframe|img|"
    "input|ins|kbd|label|layer|legend|li|link|main|map|mark|marquee|math|meta|meter|nav|noscript|object|ol|"
    "optgroup|option|output|p|param|picture|pre|progress|q|s|samp|script|section|select|small|source|span|"
    "strike|strong|style|sub|summary|sup|svg|table|tbody|td|template|textarea|tfoot|th|thead|time|title|tr|"
    "track|tt|u|ul|var|video|wbr|xml|xmp"
)
_TAG = re.compile(rf"</?(?:{_TAG_NAMES})(?:\s[^<>]*)?/?>|</?(?:{_TAG_NAMES})\s[^<>]*$", re.I)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});", re.I)
# A line of script code: a statement or definition with the punctuation of code.
_CODE_LINE = re.compile(
    r"^\s*(?:(?:async\s+)?function\b\s*[\w$]*\s*\([^)]*\)\s*\{?|(?:var|let|const)\s+[\w$]+\s*=|"
    r"(?:document|window|console|location|navigator)\.[\w$.]+\s*[(=]|(?:alert|eval|setTimeout|prompt)\s*\(|"
    r"\}\s*\)?;?\s*$|[\w$.]+\s*\([^()]*\)\s*;\s*\}?\s*$|javascript:)",
)


def unescape_entities(text: str) -> str:
    """Character references decoded, twice at most (titles escaped twice, `&amp;amp;`, are common)."""
    for _ in range(2):
        if not _ENTITY.search(text):
            break
        text = html.unescape(text)
    return text


def strip_tags(text: str) -> str:
    """Text without script/style blocks, comments, CDATA marks and tags of HTML elements."""
    if "<" not in text and "]]>" not in text:
        return text
    text = _BLOCKS.sub(" ", text)
    text = _OPEN_BLOCK.sub(" ", text)
    text = _COMMENT.sub(" ", text)
    return _TAG.sub(" ", text)


def plain_title(title: str | None) -> str | None:
    """A title as readers see it: entities decoded, tags and code removed, spacing collapsed."""
    if title is None:
        return None
    text = unescape_entities(strip_tags(unescape_entities(str(title))))
    text = strip_tags(text)  # tags that were escaped ("&lt;b&gt;") are tags once decoded
    text = re.sub(r"\s+", " ", text).strip()
    return text or None


def is_code_line(line: str) -> bool:
    """Whether a line is script code rather than prose."""
    stripped = line.strip()
    if not stripped or not _CODE_LINE.match(stripped):
        return False
    # Prose rarely has braces, semicolons before a brace, or `name(...)` calls with `;`.
    return bool(re.search(r"[{};]|\)\s*$|=>|javascript:", stripped))


def strip_markup(text: str) -> str:
    """A body without HTML elements, escaped tags or script code left in it as text."""
    if not text:
        return text
    return _tidy(text, _strip_markup(text))


def _strip_markup(text: str) -> str:
    if "<" in text or "]]>" in text:
        text = strip_tags(text)
    if "&lt;" in text or "&#60;" in text or "&#x3c;" in text.lower():
        decoded = html.unescape(text)
        if _TAG.search(decoded) or _BLOCKS.search(decoded):
            text = strip_tags(decoded)
    if re.search(r"[{};]", text):
        text = "\n".join(line for line in text.split("\n") if not is_code_line(line))
    return text


def _tidy(before: str, after: str) -> str:
    # Lines that held only markup go; spacing left where a tag was is collapsed.
    if after == before:
        return after
    lines = [re.sub(r"[ \t]{2,}", " ", line).strip() for line in after.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
