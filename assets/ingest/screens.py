"""Texts that are not articles although they parse: a server's error page ("HTTP Error 403.
The request URL is forbidden."), a login or subscription wall, a bot check. They are short and
say so in their first lines; they are refused with a reason instead of being stored.
"""

from __future__ import annotations

import re

from assets.ingest.textio import count_words

# Longer texts are articles even when they mention an error code or a login (a report on an outage).
SCREEN_MAX_WORDS = 80
# The screen says what it is in its title or in a short line of its own; a sentence reporting
# "an HTTP Error 503 for hours on Monday" is news.
SCREEN_LINE_MAX_WORDS = 12
# Lines with a sign of a login wall needed before a text is taken for one.
LOGIN_SIGNS = 2

_SCREENS = (
    ("an HTTP error page", re.compile(
        r"\bHTTP(?:/\d(?:\.\d)?)?\s*(?:error\s*)?[45]\d\d\b|\berror\s*[45]\d\d\b|\b[45]\d\d\s*[-:–]?\s*"
        r"(?:forbidden|not found|unauthori[sz]ed|gone|bad request|internal server error|bad gateway|"
        r"service (?:temporarily )?unavailable|gateway time-?out|too many requests)\b|"
        r"\bthe request(?:ed)? (?:url|page|resource) (?:is forbidden|was not found|could not be found)\b|"
        r"\byou don't have permission to access\b|\binternal server error\b|\bbad gateway\b",
        re.I)),
    # Phrases a headline may use too ("Access denied to reporters at the border"): only a line
    # that says nothing else counts.
    ("an HTTP error page", re.compile(
        r"^\W*(?:(?:page|file|article) (?:was )?not found|this page (?:doesn't|does not|could not|can't|cannot) "
        r"(?:exist|be found)|access (?:is )?denied|service (?:temporarily )?unavailable|forbidden)\W*$",
        re.I)),
    ("a login or subscription prompt", re.compile(
        r"\b(?:please |you must |you need to )?(?:log ?in|sign ?in)\b[^.\n]{0,60}\b(?:to (?:continue|read|view|"
        r"access|see)|required)\b|\b(?:members?|subscribers?)[- ]only\b|\bthis (?:content|article|story|page) "
        r"is (?:only )?(?:available|reserved) (?:only )?(?:to|for) (?:members|subscribers|registered users)\b|"
        r"\b(?:forgot|lost) (?:your )?password\b|^\W*(?:username|user name|e-?mail|password)\W*$",
        re.I)),
    ("a bot check", re.compile(
        r"\b(?:checking (?:if the site connection is secure|your browser)|verify (?:that )?you are (?:a )?human|"
        r"are you a robot|enable (?:javascript|cookies) (?:and cookies )?to continue|captcha)\b",
        re.I)),
)


def screen_reason(title: str | None, text: str | None) -> str | None:
    """Why a short text is an error page, login prompt or bot check rather than an article, or None."""
    body = text or ""
    if count_words(body) > SCREEN_MAX_WORDS:
        return None
    lines = [title or ""] + [line for line in body[:3000].split("\n") if line.strip()][:15]
    for kind, pattern in _SCREENS:
        matches = [m for m in (pattern.search(line) for line in lines if count_words(line) <= SCREEN_LINE_MAX_WORDS)
                   if m]
        # A login wall shows more than one sign of itself (a prompt and a password field, say);
        # one "members-only" in a headline is news about a club.
        if len(matches) >= (LOGIN_SIGNS if kind.startswith("a login") else 1):
            quoted = re.sub(r"\s+", " ", matches[0].group(0)).strip()
            return f"This is {kind} (\"{quoted}\"), not an article."
    return None
