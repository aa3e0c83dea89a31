"""Reading publication dates: from metadata values (headers, JSON fields, feeds, HTML) and from
the text itself (wire datelines such as "BRUSSELS 1996-08-22" or "BEIJING, Nov 4 (Reuters) -",
and phrases such as "broke the news ... on Tuesday, November 4, 2025").

Dates are calendar days (`datetime.date`); a value that names no day (a year, a month) is no date.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from dateutil import parser as dateutil_parser

# Dates outside this window are misreadings (a page number, a phone number), not publications.
EARLIEST = date(1900, 1, 1)
LATEST_AHEAD = timedelta(days=2)

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = (
    r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+)"
_ISO = re.compile(r"(?<![\d-])(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?![\d])")
_MDY = re.compile(rf"\b{_WEEKDAY}?{_MONTH}\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b", re.I)
_DMY = re.compile(
    rf"\b{_WEEKDAY}?(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(?P<year>(?:19|20)\d\d)\b", re.I
)

# "BRUSSELS 1996-08-22", "BOGOTA, Colombia 1996-08-30": a short line of place names and a date
# (or the date alone, when the place name ran onto the line before).
_DATELINE_ISO = re.compile(r"^(?:[A-Z][A-Za-z.'\- ]*(?:,\s*[A-Za-z.'\- ]+)?\s+)?((?:19|20)\d\d-[01]\d-[0-3]\d)\s*$")
# "BEIJING, Nov 4 (Reuters) -" / "WASHINGTON, Nov. 4, 2025 (AP) —": capitals, a day, an agency.
_DATELINE_AGENCY = re.compile(
    rf"^\s*[A-Z][A-Z.'\- ]+(?:,\s*[A-Za-z.'\- ]+)?,\s*{_MONTH}\s+(?P<day>[0-3]?\d)(?:,\s*(?P<year>(?:19|20)\d\d))?"
    r"\s*\((?:[A-Za-z .&-]{2,30})\)\s*[-–—_]"
)
# Phrases that state when the piece itself appeared: a label opening a line ("Published 4 Nov
# 2025", "Updated 10:01 pm, Tuesday, November 4, 2025") or a sentence saying who broke it and
# when. Verbs such as "released" or "reported" in running text date events, not the piece.
_PUBLISHED_PHRASE = re.compile(
    r"(?:^|\n)[ \t]*(?:first published|published|posted|last updated|updated)\b[^\n]{0,60}?"
    r"|\b(?:broke the news|first reported the news|was first published)\b[^.\n]{0,80}?",
    re.I,
)


def _valid(year: int, month: int, day: int, today: date | None = None) -> date | None:
    try:
        value = date(year, month, day)
    except ValueError:
        return None
    latest = (today or date.today()) + LATEST_AHEAD
    return value if EARLIEST <= value <= latest else None


def _month_number(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")[:3]]


def parse_date_value(value: object) -> date | None:
    """A calendar day from a metadata value (ISO, RFC 822, "November 4, 2025", epoch seconds)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return _valid(value.year, value.month, value.day)
    if isinstance(value, date):
        return _valid(value.year, value.month, value.day)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value  # milliseconds are common in JSON feeds
        try:
            stamp = datetime.fromtimestamp(seconds, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
        return _valid(stamp.year, stamp.month, stamp.day)
    text = str(value).strip()
    if not text or len(text) > 100:
        return None
    match = _ISO.search(text)
    if match and match.start() < 3:
        return _valid(int(match["year"]), int(match["month"]), int(match["day"]))
    try:
        stamp = parsedate_to_datetime(text)
        return _valid(stamp.year, stamp.month, stamp.day)
    except (TypeError, ValueError, IndexError):
        pass
    for pattern in (_MDY, _DMY):
        match = pattern.search(text)
        if match:
            return _valid(int(match["year"]), _month_number(match["month"]), int(match["day"]))
    if re.fullmatch(r"\d{9,13}", text):
        return parse_date_value(int(text))
    # Both a day and a year must be stated: dateutil would fill missing parts from today.
    if not re.search(r"\d{4}", text) or not re.search(r"(?<!\d)\d{1,2}(?!\d)", text):
        return None
    try:
        first = dateutil_parser.parse(text, default=datetime(2000, 1, 1))
        second = dateutil_parser.parse(text, default=datetime(2001, 2, 2))
    except (ValueError, OverflowError, TypeError):
        return None
    if first.date() != second.date():
        return None  # some part came from the defaults
    return _valid(first.year, first.month, first.day)


def _full_date(match: re.Match) -> date | None:
    month = match["month"]
    number = int(month) if month.isdigit() else _month_number(month)
    return _valid(int(match["year"]), number, int(match["day"]))


def dateline_date(text: str, reference: date | None = None) -> date | None:
    """The date of a wire dateline in the first lines of `text`.

    A dateline without a year ("BEIJING, Nov 4 (Reuters) -") takes the year that puts it
    closest before `reference` (the file's date), or None when there is no reference."""
    lines = [line.strip() for line in text.strip().splitlines()[:6] if line.strip()]
    for line in lines[:5]:
        if len(line) <= 80:
            match = _DATELINE_ISO.match(line)
            if match:
                found = _ISO.search(match.group(1))
                return _full_date(found)
        match = _DATELINE_AGENCY.match(line)
        if match:
            if match["year"]:
                return _full_date(match)
            if reference is None:
                return None
            month, day = _month_number(match["month"]), int(match["day"])
            for year in (reference.year, reference.year - 1):
                found = _valid(year, month, day)
                if found and found <= reference + LATEST_AHEAD:
                    return found
    return None


def _dates_in(text: str) -> list[tuple[int, date]]:
    found = []
    for pattern in (_MDY, _DMY, _ISO):
        for match in pattern.finditer(text):
            value = _full_date(match)
            if value:
                found.append((match.start(), value))
    return sorted(found, key=lambda pair: pair[0])


def phrase_date(text: str) -> date | None:
    """A full date that the text says the piece was published, posted or broke on."""
    for phrase in _PUBLISHED_PHRASE.finditer(text):
        window = text[phrase.start(): phrase.end() + 45]
        dates = _dates_in(window)
        if dates:
            return dates[0][1]
    return None


# A line that holds nothing but a date (as pages print under the headline), perhaps with a
# weekday, a time of day and a "Published" / "Updated" label.
_TIME = r"(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d\d(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?"
_LABEL = r"(?:(?:published|posted|updated|last updated|first published)(?:\s+on)?\s*:?\s*)?"
_DATE_ONLY_LINE = [re.compile(rf"^{_LABEL}(?:{p.pattern}){_TIME}\.?$", re.I) for p in (_MDY, _DMY, _ISO)]
DATE_LINE_SEARCH_LINES = 150


def date_line_date(text: str) -> date | None:
    """The date of the first line near the top that holds only a date."""
    for line in text.split("\n", DATE_LINE_SEARCH_LINES)[:DATE_LINE_SEARCH_LINES]:
        line = line.strip()
        if len(line) > 70 or not re.search(r"\d{4}", line):
            continue
        for pattern in _DATE_ONLY_LINE:
            match = pattern.match(line)
            if match:
                return _full_date(match)
    return None


def text_date(text: str, reference: date | None = None) -> tuple[date | None, str | None]:
    """The publication date found in an article's text and where it came from."""
    found = dateline_date(text, reference)
    if found:
        return found, "dateline"
    found = phrase_date(text)
    if found:
        return found, "text"
    found = date_line_date(text)
    if found:
        return found, "text"
    return None, None
