"""Provenance: the wire agency an article credits, and where the credits stand in the body.

Agency credits ("(AP)", "BEIJING, Nov 4 (Reuters) -"), bylines ("By Jane Doe, Associated
Press"), photo credits ("AP Photo/Jane Doe", "REUTERS/Jane Doe") and sign-offs ("Reporting by
...; Editing by ...", "Copyright 2025 The Associated Press") say who delivered the text, not who
is in the news: counted as mentions, the agency leads every ranking of wire copy. So the credits
are recorded (`agency_credit`, stored as `articles.agency`) and their spans are kept out of the
mentions (`credit_spans`). An agency named in running text ("Reuters reported that its
journalists were detained", "the Xinhua news agency said") is a source or a subject the article
talks about, and stays a mention: only the fixed credit forms below are provenance.
"""

import re

# Canonical agency -> the ways credits write it. Longest first inside the pattern, so that
# "Associated Press" is not read as a bare "Press".
AGENCIES: dict[str, tuple[str, ...]] = {
    "AP": ("Associated Press", "AP"),
    "Reuters": ("Thomson Reuters", "Reuters", "REUTERS"),
    "AFP": ("Agence France-Presse", "Agence France Presse", "AFP"),
    "dpa": ("Deutsche Presse-Agentur", "dpa", "DPA"),
    "Xinhua": ("Xinhua News Agency", "Xinhua"),
    "Kyodo": ("Kyodo News", "Kyodo"),
    "UPI": ("United Press International", "UPI"),
    "ANSA": ("ANSA",),
    "EFE": ("EFE",),
    "PA": ("Press Association", "PA Media"),
    "Canadian Press": ("The Canadian Press", "Canadian Press"),
    "AAP": ("Australian Associated Press", "AAP"),
    "Yonhap": ("Yonhap News Agency", "Yonhap"),
    "Interfax": ("Interfax",),
    "TASS": ("ITAR-TASS", "TASS"),
    "Bloomberg": ("Bloomberg News", "Bloomberg"),
}

_CANONICAL = {form.lower(): agency for agency, forms in AGENCIES.items() for form in forms}
_FORMS = sorted({form for forms in AGENCIES.values() for form in forms}, key=len, reverse=True)
_AGENCY = "(?:" + "|".join(re.escape(f) for f in _FORMS) + ")"
_AGENCIES = rf"{_AGENCY}(?:\s*[/,&]\s*{_AGENCY})*"  # "(AP/AFP)", "(Reuters, dpa)"

# The journalists of a byline: capitalised words, the small words of names, "and" between them.
_PEOPLE = r"[A-Z][\w.'\u2019-]*(?:,? (?:[A-Z][\w.'\u2019-]*|and|de|da|di|van|von|der|den|del|la|le|bin|ibn|al))*?"

# Credit forms, each with the group `agency` naming who delivered the text. Case matters: the
# forms are the agencies' own house styles, and "ap" or "afp" in lower case are not credits.
_CREDITS = [
    # A bracketed credit closing a dateline or standing alone: "SAN JUAN, Puerto Rico (AP) _",
    # "BEIJING, Nov 4 (Reuters) -", "(AFP) --".
    re.compile(rf"\((?P<agency>{_AGENCIES})\)"),
    # A byline: "By Jane Doe, Associated Press", "By JANE DOE Associated Press Writer",
    # "By Jane Doe and John Roe (Reuters)": the whole line, the journalists' names included.
    re.compile(
        rf"(?m)^[ \t]*By {_PEOPLE}[, ]+(?:The )?(?P<agency>{_AGENCY})(?: (?:Staff |Special )?"
        r"(?:Writer|Correspondent|Reporter|Business Writer|Sports Writer)s?)?[ \t]*\.?[ \t]*$"
    ),
    # A photo or video credit: "AP Photo/Jane Doe", "(AP Photo)", "REUTERS/Jane Doe",
    # "AFP PHOTO / Jane Doe", "Photo: AFP", "Credit: Reuters".
    re.compile(rf"(?P<agency>{_AGENCY}) (?:Photo|PHOTO|Video|VIDEO|Graphic|GRAPHIC)(?:\s*/\s*[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){{0,3}})?"),
    re.compile(r"(?P<agency>REUTERS|AFP|AP)\s*/\s*[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3}"),
    re.compile(rf"(?:Photo|Picture|Image|Credit|Source|Photograph)s?: ?(?:The )?(?P<agency>{_AGENCY})\b"),
    # Sign-offs: "Copyright 2025 The Associated Press. All rights reserved.",
    # "(c) 2025 Reuters", "Associated Press writer Jane Doe contributed to this report."
    re.compile(rf"(?:Copyright|\(c\)|\u00a9)\s*(?:\d{{4}}\s*)?(?:The )?(?P<agency>{_AGENCY})\b[^\n]{{0,60}}"),
    re.compile(
        rf"(?m)^[^\n]{{0,20}}?(?:The )?(?P<agency>{_AGENCY}) (?:writers?|reporters?|correspondents?|photographer)"
        r"[^\n.]{0,120}contributed(?: to)?(?: this)?(?: report| reporting| story)?\.?"
    ),
]
# Reuters' sign-off names no agency but is one: "(Reporting by Jane Doe; Editing by John Roe)".
_REUTERS_SIGNOFF = re.compile(r"\(?(?:Additional )?[Rr]eporting by [^\n)]{1,200}?(?:;|\bin\b)[^\n)]*[Ee]diting by [^\n)]{1,120}\)?")
# A dateline credit that names no agency in brackets but with a dash: "WASHINGTON (dpa) -" is
# covered above; "WASHINGTON, Nov 4 Reuters -" (rare) is not a form worth guessing at.


def credit_spans(body: str) -> list[tuple[int, int, str]]:
    """(start, end, agency) of every credit, byline, photo credit and sign-off in `body`, in
    text order; agency is canonical ("Associated Press" -> "AP"), or "" for a sign-off that
    names none. Mentions inside these spans are provenance, not actors."""
    found: list[tuple[int, int, str]] = []
    for pattern in _CREDITS:
        for match in pattern.finditer(body or ""):
            agency = _canonical(match.group("agency"))
            found.append((match.start(), match.end(), agency))
    for match in _REUTERS_SIGNOFF.finditer(body or ""):
        found.append((match.start(), match.end(), ""))
    found.sort()
    merged: list[tuple[int, int, str]] = []
    for start, end, agency in found:
        if merged and start < merged[-1][1]:
            s, e, a = merged[-1]
            merged[-1] = (s, max(e, end), a or agency)
        else:
            merged.append((start, end, agency))
    return merged


def agency_credit(body: str) -> str | None:
    """The wire agency `body` credits ("AP", "Reuters", "AFP", "dpa", "Xinhua", ...), None when
    it credits none. The first credit in the text wins: the dateline credit opens wire copy,
    and a later photo credit from another agency does not make the story theirs."""
    for _, _, agency in credit_spans(body):
        if agency:
            return agency
    return None


def agency_named(name: str) -> str | None:
    """The canonical agency a name stands for ("The Associated Press" -> "AP"), or None."""
    text = re.sub(r"^the\s+", "", name.strip(), flags=re.I)
    return _CANONICAL.get(text.lower()) if text not in {"ap", "afp", "dpa"} or text == "dpa" else None


def in_credit(spans: list[tuple[int, int, str]], start: int, end: int) -> bool:
    """Whether the text from start to end overlaps a credit."""
    return any(s < end and start < e for s, e, _ in spans)


def _canonical(written: str) -> str:
    # "(AP/AFP)" credits both; the first is the one the text came from.
    first = re.split(r"\s*[/,&]\s*", written.strip())[0]
    return _CANONICAL.get(first.lower(), _CANONICAL.get(first, first))
