"""One outlet name per publisher: the registered domain of a url (public-suffix aware, from the
list that the `tld` package ships, so nothing is fetched), feed channel titles without their
section ("Example News - business" -> "Example News"), and never a page's own headline.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import urlparse

from tld import get_fld

# Words that name a section of a publication rather than the publication itself.
SECTION_WORDS = frozenset(
    """all africa americas art arts asia australia books breaking business canada china climate
    columns commentary culture economy editorial editorials education election elections
    entertainment environment europe fashion feed feeds film finance food football front headlines
    health home india international latest lifestyle local markets media middle east money
    motoring music national news opinion other page pages podcast podcasts politics property
    region regional rss science society sport sports stories story tech technology top travel tv
    uk us usa video videos weather world and the of in from on""".split()
)
# " - ", " | ", " – ", " — ", " > ", " » ", " : " (a colon needs no space before it).
_SEPARATOR = re.compile(r"\s+[-|–—>»:·]\s+|:\s+|\s+\|\s*|\s*\|\s+")
_HOST_LIKE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?(?:www\d?\.)?[\w-]+(?:\.[\w-]+)+(?::\d+)?(?:[/?#]\S*)?$", re.I)


def registered_domain(url_or_host: str | None) -> str | None:
    """The registered domain of a url or host name ("https://news.bbc.co.uk/x?y" -> "bbc.co.uk"),
    the bare host for hosts without a public suffix (intranets, IP addresses), None for no host."""
    if not url_or_host or not url_or_host.strip():
        return None
    value = url_or_host.strip()
    host = urlparse(value if "//" in value else "//" + value).hostname
    if not host:
        return None
    host = host.rstrip(".").lower()
    found = get_fld(host, fail_silently=True, fix_protocol=True)
    return found or host.removeprefix("www.")


def strip_section(name: str | None) -> str | None:
    """A feed channel's title without the section it names: "Example News - business" ->
    "Example News", "World news | The Guardian" -> "The Guardian". A title that is all section
    words ("World News") or whose parts are all names is kept as it is."""
    if not name or not name.strip():
        return None
    name = re.sub(r"\s+", " ", name).strip()
    parts = [p.strip() for p in _SEPARATOR.split(name) if p.strip()]
    if len(parts) < 2:
        return name
    names = [p for p in parts if not _is_section(p)]
    return names[0] if len(names) == 1 else name


def _is_section(part: str) -> bool:
    words = re.findall(r"[^\W\d_]+", part.lower())
    return bool(words) and all(word in SECTION_WORDS for word in words)


def _same_words(a: str, b: str) -> bool:
    return re.findall(r"\w+", a.casefold()) == re.findall(r"\w+", b.casefold())


def normalise_outlet(outlet: str | None, url: str | None, title: str | None, source_path: str) -> str | None:
    """The outlet of a record: its named outlet (a url or host name becomes its registered
    domain; the page's own headline is no outlet), else the url's
    registered domain, else the landing subfolder the file sits in."""
    name = str(outlet).strip() if outlet is not None else ""
    if name and _HOST_LIKE.match(name) and " " not in name:
        name = registered_domain(name) or ""
    elif name and title and _same_words(name, title):
        name = ""  # the page's headline is not its publisher
    if name:
        return name
    domain = registered_domain(url) if url else None
    if domain:
        return domain
    parts = PurePosixPath(source_path).parts
    return parts[0] if len(parts) > 1 else None
