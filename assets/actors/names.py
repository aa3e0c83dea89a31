"""Names as written: cleaning an entity span into the name(s) it holds, comparison keys,
stable actor ids, and the rules that tell a name from junk by its shape alone."""

import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass


# Words that precede a name without being part of it: titles, honorifics, roles. Royal titles
# are not among them: "King Hussein" and "Prince Charles" are what those people are called.
TITLES = {
    "mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sir", "dame", "lord", "lady", "madam",
    "president", "vice", "prime", "minister", "premier", "chancellor", "secretary", "general",
    "gen", "lt", "col", "colonel", "capt", "captain", "major", "maj", "sgt", "sergeant", "adm",
    "admiral", "commander", "cmdr", "sen", "senator", "rep", "representative", "gov", "governor",
    "mayor", "judge", "justice", "cardinal", "archbishop", "bishop", "rev", "reverend", "father", "sheikh", "sheik", "ayatollah",
    "chairman", "chairwoman", "chair", "ceo", "director", "deputy", "foreign", "defence", "defense",
    "finance", "interior", "state", "chief", "executive", "leader", "speaker", "ambassador",
    "envoy", "coach", "manager", "striker", "midfielder", "goalkeeper", "defender", "skipper",
    "spokesman", "spokeswoman", "agent", "officer", "inspector", "detective", "superintendent",
    "mister", "herr", "frau", "monsieur", "senor", "senora", "comrade",
}


# Legal forms after a company name ("Cofinec S.A." is "Cofinec").
CORPORATE_SUFFIXES = {
    "inc", "incorporated", "corp", "corporation", "co", "ltd", "limited", "plc", "llc", "lp",
    "sa", "ag", "nv", "bv", "gmbh", "spa", "srl", "ab", "asa", "oyj", "as", "kk", "pty", "se",
}


# A month or a weekday before a name is a date, not part of it ("the August National
# Association of Purchasing Management" is the association's August report).
MONTHS_AND_DAYS = {
    "january", "february", "march", "april", "june", "july", "august", "september", "october",
    "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday",
}
CALENDAR_WORDS = {
    "january", "february", "march", "april", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
}


POSSESSIVE_END = re.compile(r"['\u2019]s?$")
ABBREVIATION_DOT = re.compile(r"(?<=\b[^\W\d_])\.(?=[^\W\d_]\b|\s|$)")
NON_WORD = re.compile(r"[\W_]+")


@functools.lru_cache(maxsize=500_000)
def name_key(name: str) -> str:
    """The comparison key of a name: case, accents, dots of abbreviations ("U.S." = "US"),
    possessives and a leading article do not matter."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = POSSESSIVE_END.sub("", text.strip())
    text = ABBREVIATION_DOT.sub("", text)  # U.S. -> US
    text = NON_WORD.sub(" ", text).strip().lower()
    return text[4:] if text.startswith("the ") else text


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def actor_id_for(name: str, actor_type: str) -> str:
    """Stable id from the canonical name and type, so timelines keep their ids across runs."""
    base = slug(name_key(name)) or hashlib.sha1(name.encode()).hexdigest()[:12]
    return f"{actor_type}:{base}"


@dataclass
class Cleaned:
    name: str  # the name as written, without title, possessive or surrounding punctuation
    start: int  # offsets of `name` in the body
    end: int
    crossed_line: bool = False  # the span ran over a line break


# Where one span holds several names: line breaks, figures and brackets in results tables
# ("Buducnost 1 Red Star 3", "The Oval (London"), ordinals after a name (a scorer's minute:
# "Robert Pires 46th"; "50th Anniversary Tour" keeps its own), list punctuation, spaced dashes.
SPAN_SEPARATOR = re.compile(
    r"\n+|\s*[()\[\];:/|]\s*|\s+[-\u2013\u2014]+\s+|\s+(?:v|vs|vs\.|at)\s+|(?<!\S)[-+]?\d[\d.,:/'-]*(?=\s|$)|(?<=\w )\d{1,3}(?:st|nd|rd|th),?(?=\s|$)"
)


def clean_span(body: str, start: int, end: int, label: str) -> list[Cleaned]:
    """The name(s) inside an entity span, cut at line breaks, figures and brackets (a name
    holds none), without leading articles and titles, trailing lower-case words, possessive
    endings, corporate suffixes or quotes."""
    results = []
    text = body[start:end]
    crossed = "\n" in text.strip()
    bounds = [0]
    for sep in SPAN_SEPARATOR.finditer(text):
        bounds += [sep.start(), sep.end()]
    bounds.append(len(text))
    for i in range(0, len(bounds), 2):
        piece = text[bounds[i] : bounds[i + 1]]
        piece_start = start + bounds[i]
        if not piece.strip():
            continue
        tokens = [(m.group(), piece_start + m.start(), piece_start + m.end()) for m in re.finditer(r"\S+", piece)]
        # Trailing possessive and punctuation first, so that "Mishustin's" becomes "Mishustin".
        while tokens:
            word, s, e = tokens[-1]
            stripped = re.sub(r"(['\u2019]s|['\u2019])$", "", word)
            stripped = stripped.rstrip(",;:!?\"')]}\u201d\u2019-\u2013\u2014*&")
            if stripped.endswith(".") and not re.search(r"(^|\.)[^\W\d_]\.$", stripped) and not (len(stripped) <= 4 and stripped[:1].isupper()):
                stripped = stripped[:-1]
            if not stripped:
                tokens.pop()
                continue
            tokens[-1] = (stripped, s, s + len(stripped))
            if name_key(stripped) in CORPORATE_SUFFIXES and len(tokens) > 1:
                tokens.pop()
                continue
            # Names end in a capitalised word: "St Johnstone v", "Club fined" are cut there.
            if stripped[:1].islower() and len(tokens) > 1:
                tokens.pop()
                continue
            break
        while tokens:
            word, s, e = tokens[0]
            stripped = word.lstrip("\"'([{\u201c\u2018\u00b7\u2022*-\u2013\u2014")
            s += len(word) - len(stripped)
            if not stripped:
                tokens.pop(0)
                continue
            tokens[0] = (stripped, s, e)
            low = name_key(stripped)
            if len(tokens) > 1 and (low == "the" or low in MONTHS_AND_DAYS or (low in TITLES and label in ("PERSON", "PER"))):
                tokens.pop(0)
                continue
            if len(tokens) > 1 and low in TITLES and tokens[1][0][:1].isupper() and label in ("PERSON", "PER"):
                tokens.pop(0)
                continue
            break
        if tokens:
            s, e = tokens[0][1], tokens[-1][2]
            results.append(Cleaned(body[s:e], s, e, crossed))
    return results


def is_all_caps(name: str) -> bool:
    if not name.isupper():  # no cased letter, or a lower-case one: cheap and the common case
        return False
    letters = [c for c in name if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


GLUED = "words glued together (page furniture)"


def junk_reason(name: str) -> str | None:
    """Why a cleaned name cannot be an actor by its shape alone, or None."""
    letters = sum(c.isalpha() for c in name)
    digits = sum(c.isdigit() for c in name)
    if letters < 2:
        return "fewer than two letters"
    if digits:
        return "contains digits"
    if re.search(r"https?:|www\.|@|\.(com|org|net|co\.uk)\b", name, re.I):
        return "address"
    if not name[0].isupper() and not name[0].isdigit():
        return "starts in lower case"
    words = name.split()
    if len(words) > 8:
        return "too long for a name"
    if name_key(words[-1]) in CALENDAR_WORDS:
        return "a date"
    if re.match(r"(?i)(ex|pro|anti|non|post|pre|neo|pan)-", name):
        return "a description, not a name"
    if any(re.search(r"[a-z]{3}[A-Z]", w) for w in words):
        return GLUED
    if re.search(r"[\"\u201c\u201d|<>{}\[\]=+]", name):
        return "markup or quotes"
    return None


def sentence_initial(body: str, start: int) -> bool:
    before = body[max(0, start - 3) : start]
    line_start = body.rfind("\n", 0, start) + 1
    prefix = body[line_start:start].strip(" \t\"'\u201c\u2018(-\u2013\u2014\u2022\u00b7*")
    return not prefix or bool(re.search(r"[.!?:]['\"\u201d]?\s+$", before))


def line_at(body: str, position: int) -> str:
    line_start = body.rfind("\n", 0, position) + 1
    line_end = body.find("\n", position)
    return body[line_start : line_end if line_end >= 0 else len(body)]


def on_capitals_line(body: str, start: int) -> bool:
    """In a line written all in capitals (a wire headline)."""
    return is_all_caps(line_at(body, start))


def on_title_case_line(body: str, start: int) -> bool:
    """In a line whose every word is capitalised (a headline in title case, a menu of page
    sections): capitals there say nothing about names. Rows of a results table (with figures)
    and lists ("Breen, Staunton, Irwin, ...") are not such lines: their capitals are names."""
    line = line_at(body, start)
    words = [w for w in re.findall(r"[^\W\d_][\w'\u2019-]*", line) if len(w) > 3]
    return len(words) >= 2 and all(w[0].isupper() for w in words) and not re.search(r"\d", line) and line.count(",") < 2


# Small words inside people's names ("Ursula von der Leyen", "Osama bin Laden", "Leonardo da
# Vinci", "Saud al-Faisal"): part of the surname, written in lower case mid-name and
# capitalised at the start of a sentence ("Von der Leyen said").
PARTICLES = frozenset(
    "von van de der den du des da di del della dos das le la ter ten zu bin ibn bint abu al el".split()
)
PARTICLE_RUN = r"(?:(?:von|van|de|der|den|du|des|da|di|del|della|dos|das|le|la|ter|ten|zu|bin|ibn|bint|abu)\s+)+(?:(?:al|el)-)?|(?:al|el)-"

# Regnal and papal numbers after a name ("John Paul II", "Louis XIV"). Single letters (I, V,
# X) are left out: they are initials far more often than numbers in news copy.
REGNAL = re.compile(r" (?:ii|iii|iv|vi|vii|viii|ix|xi|xii|xiii|xiv|xv|xvi|xvii|xviii)$")


def core_words(key: str) -> list[str]:
    """The words of a name key that are not particles ("ursula von der leyen" -> ursula, leyen)."""
    return [w for w in key.split() if w not in PARTICLES]


def surname_of(key: str) -> str:
    """The surname of a person's name key: from its first particle on, when it has one after
    the given name ("ursula von der leyen" -> "von der leyen"), else the last word."""
    words = key.split()
    for i in range(1, len(words) - 1):
        if words[i] in PARTICLES:
            return " ".join(words[i:])
    return words[-1] if words else ""


def regnal_base(key: str) -> str | None:
    """The name without its regnal number ("john paul ii" -> "john paul"), None without one."""
    match = REGNAL.search(key)
    return key[: match.start()] if match and match.start() > 0 else None
