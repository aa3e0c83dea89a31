"""Resolution: candidate mentions to actors, within one body and across the corpus.

Within a body, short forms take the full name used in the same text ("Xi", "President Xi" ->
"Xi Jinping"), acronyms take the long form the text defines ("... Agriculture (USDA)"), and
all-capital forms take the mixed-case spelling. Across bodies, names are compared by key (case,
accents, dots, possessives and "the" do not matter), country codes and the gazetteer name places,
each name gets one type, and a lone surname goes to the one full name the corpus knows for it.
Junk is dropped by context (page furniture made of ordinary words, headline fragments, labels
such as "Scorers:"), and the alias table has the last word.
"""

import re
from collections import Counter, defaultdict

import polars as pl

from assets.actors.aliases import AliasRules, alias_rules
from assets.actors.candidates import ACTOR_LABELS, Mention, candidate_mentions, capitals_mentions
from assets.actors.lexicons import Gazetteer, Lexicon, load_gazetteer
from assets.actors.names import (
    GLUED,
    actor_id_for,
    is_all_caps,
    junk_reason,
    name_key,
    on_capitals_line,
    on_title_case_line,
    sentence_initial,
)

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

# "United States Department of Agriculture (USDA)": capitalised words (with the small words
# of names between them) followed by an acronym in brackets.
ACRONYM_DEFINITION = re.compile(
    r"((?:[A-Z][\w'&.-]*\s+)(?:(?:of|for|and|the|de|du|des|la|le|on|in|&)\s+|[A-Z][\w'&.-]*\s+){0,9})"
    r"\(([A-Z][A-Z&.]{1,9})\)"
)


# Words that make a name an organisation's, whatever its first word ("Jones Medical Industries").
ORGANISATION_WORDS = {
    "agency", "airlines", "airways", "association", "athletic", "bank", "board", "capital", "church",
    "city", "club", "co", "college", "commission", "committee", "company", "corp", "council",
    "county", "court", "department", "energy", "exchange", "federation", "fc", "fund", "group",
    "holdings", "hospital", "house", "industries", "institute", "international", "league", "market",
    "ministry", "motors", "news", "office", "oil", "party", "post", "press", "prison", "rangers",
    "rovers", "school", "securities", "service", "society", "times", "town", "union", "united",
    "university", "wanderers",
}


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
    gaz = load_gazetteer().with_lexicon(lexicon)
    mentions = candidate_mentions(spans, bodies, rules, gaz)

    # 1. Per mention: junk by shape, alias table, key.
    # Words run together ("NewsSubscriptions") are page furniture when written once, a name
    # when the text keeps writing them so ("NationsBank").
    per_body = Counter((m.content_hash, m.surface) for m in mentions)
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
            reason = junk_reason(m.surface)
            if reason and not (reason == GLUED and per_body[(m.content_hash, m.surface)] >= 2):
                continue
            m.key, m.name = key, m.surface
        kept.append(m)

    # Headlines are all capitals: a name seen only there, and never in mixed case, is a
    # headline fragment ("GOLF - LEADING SCORES"), unless an acronym or a place. Names known
    # from mixed-case text are then found again in the all-capital lines.
    in_mixed_case = {m.key for m in kept if not is_all_caps(m.surface)}
    kept = [
        m
        for m in kept
        if m.fixed
        or m.key in in_mixed_case
        or not on_capitals_line(bodies[m.content_hash], m.start)
        or (" " not in m.key and len(m.key) <= 5)
        or gaz.strong_place(m.key)
    ]
    kept += _capitals(bodies, kept, gaz, lexicon, rules)

    # 2. Within one body: acronyms defined in the text, short forms of people's names.
    by_body: dict[str, list[Mention]] = defaultdict(list)
    for m in kept:
        by_body[m.content_hash].append(m)
    definitions: dict[str, set[str]] = defaultdict(set)
    for content_hash in by_body:
        for key, long_form in acronym_definitions(bodies[content_hash]).items():
            definitions[key].add(long_form)
    corpus_acronyms = {key: next(iter(forms)) for key, forms in definitions.items() if len(forms) == 1}
    for content_hash, group in by_body.items():
        _resolve_within_body(bodies[content_hash], group, corpus_acronyms)

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
    mid_sentence = set()
    for m in kept:
        if not is_all_caps(m.surface) or gaz.strong_place(m.key):
            labels[m.key][m.label] += 1
            body = bodies[m.content_hash]
            if not (sentence_initial(body, m.start) or on_title_case_line(body, m.start)):
                mid_sentence.add(m.key)
    known = {}
    for key, votes in labels.items():
        if len(key) < 2 or key in rules.ignore:
            continue
        # A single ordinary word ("TOP", "OVER") is known as a name only when it is also
        # capitalised in the middle of a sentence somewhere.
        if " " not in key and not gaz.strong_place(key) and (
            key in STOP_WORDS or lexicon.is_ordinary(key) or (lexicon.is_word(key) and key not in mid_sentence)
        ):
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


def acronym_definitions(body: str) -> dict[str, str]:
    """Acronyms a text defines, by key: "United States Department of Agriculture (USDA)" gives
    {"usda": "United States Department of Agriculture"}."""
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
    return acronyms


def _resolve_within_body(body: str, group: list[Mention], corpus_acronyms: dict[str, str]) -> None:
    # Acronyms: as the text defines them, else as the one definition the corpus has.
    acronyms = {**corpus_acronyms, **acronym_definitions(body)}
    for m in group:
        if not m.fixed and m.key in acronyms:
            m.name = acronyms[m.key]
            m.key = name_key(m.name)

    # People: a short form ("Xi", "Mishustin") is the full name used in the same text that
    # contains it, whatever label the model gave the short form.
    # Headlines in capitals are not trusted for full names ("MARLINS BEAT REDS").
    persons = Counter(m.key for m in group if m.label in ("PERSON", "PER") and not m.fixed and not is_all_caps(m.surface))
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
        # A label guessed from a table row or a headline counts less than the model's.
        votes[m.key][kind] += 1.0 if m.source == "ner" else 0.25
    # Given names: first words of the names the model calls people's ("Gabriela" of "Gabriela
    # Sabatini"), which also type a name the model called an organisation in a results line.
    given_names = Counter()
    for key, vote in votes.items():
        words = key.split()
        if len(words) >= 2 and vote["person"] > vote["organization"] + vote["place"]:
            given_names[words[0]] += 1
    types: dict[str, str] = {}
    for key, vote in votes.items():
        words = key.split()
        if key in gaz.countries:
            types[key] = "place"
        elif gaz.place(key) and vote["place"] > 0 and vote["place"] >= vote["person"]:
            types[key] = "place"
        elif (
            vote["person"] < vote["organization"]
            and 2 <= len(words) <= 3
            and given_names[words[0]] >= 1
            and not any(w in ORGANISATION_WORDS for w in words)
            and not gaz.place(key)
        ):
            types[key] = "person"
        else:
            types[key] = vote.most_common(1)[0][0]

    # A lone surname is the one person of the corpus whose full name ends (or, as in Chinese
    # names, starts) with it, when that person accounts for most of the candidates' mentions.
    person_keys = Counter(m.key for m in mentions if types.get(m.key) == "person")
    written_in_mixed_case = {m.key for m in mentions if not is_all_caps(m.surface)}
    full_by_part: dict[str, list[str]] = defaultdict(list)
    for key in person_keys:
        words = key.split()
        if 2 <= len(words) <= 4 and key in written_in_mixed_case:
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
    table_cells: set[str] = set()
    outside_headings: set[str] = set()
    for m in mentions:
        before = bodies[m.content_hash][max(0, m.start - 4) : m.start]
        if before.lower().endswith("the "):
            with_article.add(m.key)
        # Names of several words, and town names that are also words ("Hull", "Reading"), are
        # names when a results row gives them a score ("Red Star 3"); one word is not enough
        # ("Net 12.5").
        in_table = _table_cell(bodies[m.content_hash], m.end) and (" " in m.key or gaz.place(m.key) is not None)
        if in_table:
            table_cells.add(m.key)
        # Capitals are no evidence of a name in an all-capital line, but an acronym ("U.S.")
        # in the middle of a sentence is.
        acronym = len(m.key.replace(" ", "")) <= 5 and " " not in m.surface
        body = bodies[m.content_hash]
        if not on_title_case_line(body, m.start):
            outside_headings.add(m.key)
        if (acronym or not is_all_caps(m.surface)) and (
            in_table or not (sentence_initial(body, m.start) or on_title_case_line(body, m.start))
        ):
            mid_sentence.add(m.key)
    kept = []
    for m in mentions:
        # Places: sure names, or town names that are also words ("Reading", "Hull") where the
        # model or a table row calls them a place.
        if m.fixed or gaz.strong_place(m.key) or (m.label in ("GPE", "LOC") and gaz.place(m.key)):
            kept.append(m)
            continue
        # The recogniser runs names over line breaks in page furniture ("Premium\n\nOwnership"):
        # a single word cut from such a span counts only when it also occurs on its own.
        if m.crossed_line and " " not in m.key and m.key not in confirmed:
            continue
        words = m.name.split()
        body = bodies[m.content_hash]
        if len(words) == 1 and m.key not in mid_sentence:
            # Capitalised only by position, and an ordinary word, or a field label ("Scorers:").
            if lexicon.is_word(m.key) or (sentence_initial(body, m.start) and body[m.end : m.end + 1] == ":"):
                continue
        # A long run of capitalised words seen only in title-case lines is a headline or a
        # menu ("Home Depot Stock Falls After Earnings Report", "Blog Tips Book Reviews").
        if len(words) >= 5 and m.key not in outside_headings:
            continue
        # A row of abbreviations is a table header ("W D L PCT GB").
        if len(words) >= 3 and all(len(w) <= 3 for w in words):
            continue
        if m.key in with_article or m.key in table_cells or (m.actor_type == "person" and _looks_like_person(m.name)):
            kept.append(m)
            continue
        common = [w for w in words if lexicon.is_ordinary(name_key(w))]
        # Short capital words ("AI", "TV") neither make nor unmake a name.
        neutral = [w for w in words if len(w) <= 2 and w.isupper()]
        if common and len(common) + len(neutral) == len(words):
            continue
        kept.append(m)
    return kept


def _table_cell(body: str, end: int) -> bool:
    """A name followed by a score, as in a results row ("Hull 2 Leeds 1")."""
    return re.match(r" [-+]?\d+(?:-\d+)?(?: |$|\n|,)", body[end : end + 12]) is not None


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
