"""Resolution: candidate mentions to actors, within one body and across the corpus.

Within a body, short forms take the full name used in the same text ("Xi", "President Xi" ->
"Xi Jinping"), acronyms take the long form the text defines ("... Agriculture (USDA)"), and
all-capital forms take the mixed-case spelling. Across bodies, names are compared by key (case,
accents, dots, possessives and "the" do not matter), country codes and the gazetteer name places,
each name gets one type, and a lone surname goes to the one full name the corpus knows for it.
Junk is dropped by context (page furniture made of ordinary words, headline fragments, labels
such as "Scorers:"), and the alias table has the last word.

The steps are cut so that each body's work can be kept between runs: `first_pass` (one body
alone: candidates, junk by shape, alias table, what the text around each mention looks like),
`corpus_state` (what the bodies' first passes say together), `second_pass` (one body given the
corpus state, recording which parts of it were read), and `resolve_signatures` (across the
corpus, over distinct mention signatures weighted by their counts, so that the corpus order and
counts come out as if every mention were looked at).
"""

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, fields

import polars as pl

from assets.actors.aliases import AliasRules, alias_rules
from assets.actors.candidates import (
    ACTOR_LABELS, Mention, acronym_definitions, candidate_mentions, capitals_keys, capitals_mentions, known_mentions,
    results_rows,
)
from assets.actors.lexicons import Gazetteer, Lexicon, load_gazetteer
from assets.actors.provenance import agency_named, credit_spans, in_credit
from assets.actors.names import (
    GLUED,
    PARTICLES,
    actor_id_for,
    core_words,
    regnal_base,
    surname_of,
    is_all_caps,
    junk_reason,
    name_key,
    on_capitals_line,
    on_title_case_line,
    sentence_initial,
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


# What the cross-corpus steps read of a mention: mentions alike in all of these are resolved
# alike, so those steps work on one row per distinct signature rather than per mention.
SIGNATURE = (
    "surface", "entity_label", "source", "key", "name", "actor_type", "fixed", "person_hint",
    "crossed_line", "the_before", "table_cell", "title_line", "sent_init", "colon_after",
)

LOCAL_SCHEMA = {
    "content_hash": pl.String,
    "phase": pl.Int32,
    "ordinal": pl.Int32,
    "start_char": pl.Int32,
    "end_char": pl.Int32,
    "surface": pl.String,
    "entity_label": pl.String,
    "source": pl.String,
    "key": pl.String,
    "name": pl.String,
    "actor_type": pl.String,
    "fixed": pl.Boolean,
    "person_hint": pl.Boolean,
    "crossed_line": pl.Boolean,
    "the_before": pl.Boolean,
    "table_cell": pl.Boolean,
    "title_line": pl.Boolean,
    "sent_init": pl.Boolean,
    "colon_after": pl.Boolean,
    "signature": pl.String,
    "position": pl.String,
}

# What one body tells the rest of the corpus (kind: mixed, vote, mid, definition), and what it
# was told (kind: mixed, known, acronym, with the value it saw).
CONTRIBUTION_SCHEMA = {
    "content_hash": pl.String,
    "kind": pl.String,
    "key": pl.String,
    "value": pl.String,
    "count": pl.Int64,
    "position": pl.String,
}
DEPENDENCY_SCHEMA = {"content_hash": pl.String, "kind": pl.String, "key": pl.String, "value": pl.String}

RESOLUTION_SCHEMA = {
    "signature": pl.String, "actor_id": pl.String, "name": pl.String, "actor_type": pl.String,
    "ambiguous": pl.List(pl.String),
}

# The last word of an institution's name: "Port of Rotterdam Authority" is an organisation
# whatever label the model gave it, unless the gazetteer knows the whole name as a place.
INSTITUTION_HEADS = {
    "authority", "authorities", "agency", "commission", "committee", "council", "ministry",
    "department", "association", "federation", "corporation", "company", "bank", "university",
    "institute", "board", "office", "party", "court", "fund", "parliament", "assembly", "senate",
    "tribunal", "bureau", "directorate", "secretariat", "alliance", "organisation", "organization",
}

# Nouns of made things: a name right before one of them names the product, not a person or a
# place ("Patriot missiles", "a Tomahawk cruise missile", "Leopard tanks").
ARTEFACT_NOUN = re.compile(
    r"[ -](?:(?:air[- ]defen[cs]e|anti-aircraft|anti-tank|surface-to-air|cruise|ballistic|guided|attack|fighter|"
    r"assault|main battle)[ -])?(?:missiles?|rockets?|interceptors?|launchers?|batter(?:y|ies)|jets?|fighters?|"
    r"bombers?|drones?|tanks?|helicopters?|aircraft|warplanes?|rifles?|howitzers?|frigates?|submarines?|"
    r"warships?|destroyers?|warheads?|vaccines?|smartphones?|handsets?)\b"
)

# Head words of event names: a place right before a capitalised run ending in one of them is
# the first word of the event's name ("the U.S. Open", "U.S. Amateur Championship", "the
# Atlanta Games"), not a mention of the place.
EVENT_HEADS = (
    "open", "opens", "championship", "championships", "cup", "games", "olympics", "masters", "classic",
    "invitational", "trophy", "marathon", "grand prix", "rally", "regatta",
)
_EVENT_HEAD = "|".join(h.replace(" ", r"\s") for h in EVENT_HEADS)
EVENT_AFTER = re.compile(rf"\s(?:(?:[A-Z][\w'-]*|[A-Z]+)\s){{0,3}}(?i:{_EVENT_HEAD})\b")

ROYAL_TITLES = {"pope", "king", "queen", "emperor", "empress", "prince", "princess", "tsar", "czar", "sultan", "saint", "st"}


@dataclass
class CorpusState:
    """What resolution within one body needs to know about the whole corpus."""

    mixed: set[str] = field(default_factory=set)  # keys written in mixed case somewhere
    known: dict[str, str] = field(default_factory=dict)  # names to find in capitals lines -> label
    acronyms: dict[str, str] = field(default_factory=dict)  # acronyms the corpus defines once
    # Single words that name a team in a results or standings table somewhere: names, however
    # ordinary the word (read across the corpus, not by any one body).
    table_rows: set[str] = field(default_factory=set)

    def frame(self) -> pl.DataFrame:
        rows = [("mixed", k, "1") for k in self.mixed]
        rows += [("known", k, v) for k, v in self.known.items()]
        rows += [("acronym", k, v) for k, v in self.acronyms.items()]
        return pl.DataFrame(rows, schema={"kind": pl.String, "key": pl.String, "value": pl.String}, orient="row")


def position(phase: int, content_hash: str, ordinal: int) -> str:
    """A mention's place in the corpus order as a sortable string (the same in SQL)."""
    return f"{phase}|{content_hash}|{ordinal:09d}"


def resolve(
    spans: pl.DataFrame,
    bodies: dict[str, str],
    aliases: pl.DataFrame,
    lexicon: Lexicon = Lexicon(),
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Resolve stored spans to actors: (per-body mentions, actors).

    `spans` are rows of entity_spans; `bodies` maps content_hash to body text. The mentions frame
    has content_hash instead of article_id (one body can be several articles). The `actors` asset
    runs the same steps, keeping each body's passes in the warehouse between runs."""
    rules = alias_rules(aliases)
    gaz = load_gazetteer().with_lexicon(lexicon)
    spans_by_body = split_spans(spans)
    firsts = {ch: first_pass(ch, bodies[ch], spans_by_body.get(ch), rules, gaz) for ch in sorted(bodies)}
    contributions = contributions_frame(firsts, bodies, gaz)
    state = corpus_state(contributions, rules, gaz, lexicon)
    local, _ = second_passes(firsts, bodies, state, rules, gaz)
    resolutions = resolve_signatures(signature_frame(local), rules, gaz, lexicon, state.table_rows)
    frame = (
        local.join(resolutions, on="signature", how="inner")
        .sort("position")
        .unique(subset=["content_hash", "start_char", "end_char"], keep="first", maintain_order=True)
    )
    actors = (
        frame.group_by("actor_id")
        .agg(
            pl.col("name_right").first().alias("name"),
            pl.col("actor_type_right").first().alias("actor_type"),
            pl.col("surface").unique().sort().alias("aliases"),
            pl.col("ambiguous").first(),
        )
        .sort("actor_id")
    )
    return frame.select("content_hash", "actor_id", "surface", "entity_label", "start_char", "end_char", "source"), actors


def split_spans(spans: pl.DataFrame) -> dict[str, pl.DataFrame]:
    return {key[0]: part for key, part in spans.partition_by("content_hash", as_dict=True).items()} if spans.height else {}


# First-pass mentions as rows, one column per field of `Mention`: what the `actors` step keeps
# of a chunk's first passes until the corpus state is known (rebuilding the objects costs a
# small part of running the first pass again).
FIRST_PASS_SCHEMA = {
    f.name: {"int": pl.Int64, "bool": pl.Boolean, "str": pl.String, "tuple": pl.List(pl.String)}[
        getattr(f.type, "__name__", f.type)
    ]
    for f in fields(Mention)
}


def first_pass_frame(firsts: dict[str, list[Mention]]) -> pl.DataFrame:
    """First passes as rows (`FIRST_PASS_SCHEMA`), the bodies' order and each body's kept."""
    mentions = [m for ms in firsts.values() for m in ms]
    return pl.DataFrame({name: [getattr(m, name) for m in mentions] for name in FIRST_PASS_SCHEMA}, schema=FIRST_PASS_SCHEMA)


def first_passes_from_frame(frame: pl.DataFrame, content_hashes: list[str]) -> dict[str, list[Mention]]:
    """The first passes of `content_hashes` back from `first_pass_frame`'s rows (a body
    without rows had no mention)."""
    firsts: dict[str, list[Mention]] = {ch: [] for ch in content_hashes}
    columns = [frame[name].to_list() for name in FIRST_PASS_SCHEMA]
    for row in zip(*columns):
        m = Mention(*row)
        m.ambiguous = tuple(m.ambiguous)
        firsts[m.content_hash].append(m)
    return firsts


def first_pass(content_hash: str, body: str, spans: pl.DataFrame | None, rules: AliasRules, gaz: Gazetteer) -> list[Mention]:
    """One body's candidate mentions, junk by shape dropped and the alias table applied: what
    depends on the body alone."""
    if spans is None:
        spans = pl.DataFrame(schema={"content_hash": pl.String, "surface": pl.String, "entity_label": pl.String, "start_char": pl.Int32, "end_char": pl.Int32})
    # Agency credits, bylines and photo credits say who delivered the text: provenance, not
    # mentions (assets/actors/provenance.py).
    # The agency's own name in its copy ("told The Associated Press", "an AP reporter saw") is
    # the newsroom speaking of itself, not someone in the news: also provenance.
    credits = credit_spans(body)
    credited = next((agency for _, _, agency in credits if agency), None)
    mentions = [
        m for m in candidate_mentions(spans, {content_hash: body}, rules, gaz)
        if not in_credit(credits, m.start, m.end) and not (credited and agency_named(m.surface) == credited)
    ]
    for i, m in enumerate(mentions):
        m.phase, m.ordinal = (0 if m.source == "ner" else 1), i

    # Words run together ("NewsSubscriptions") are page furniture when written once, a name
    # when the text keeps writing them so ("NationsBank").
    per_body = Counter(m.surface for m in mentions)
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
            if reason and not (reason == GLUED and per_body[m.surface] >= 2):
                continue
            m.key, m.name = key, m.surface
        kept.append(m)
    # A name that modifies a noun of made things in this text is a product's ("Patriot
    # missiles"): none of its mentions here is a person or place, unless the model called that
    # very mention an organisation (a maker: "Boeing jets").
    products = {m.key for m in kept if not m.fixed and m.label != "ORG" and ARTEFACT_NOUN.match(body, m.end)}
    kept = [m for m in kept if m.fixed or m.key not in products]
    kept = [m for m in kept if not (m.label in ("GPE", "LOC") and _event_name_follows(body, m.end))]
    lines = _Lines(body)
    for m in kept:
        # A line all in capitals holds no lower-case letter, so the surface has none either.
        m.caps_line = all(c.isupper() for c in m.surface if c.isalpha()) and lines.capitals(m.start)
        _read_context(body, m, lines)
    return kept


def _event_name_follows(body: str, end: int) -> bool:
    """The capitalised words after a name end in an event's head word ("U.S. Open", "U.S. OPEN",
    "Hong Kong Open title"), written with a capital ("the U.S. open market" is no event)."""
    match = EVENT_AFTER.match(body, end)
    return bool(match) and all(w[:1].isupper() for w in match.group().split())


class _Lines:
    """What a body's lines look like, each line looked at once (a body can be one long line)."""

    def __init__(self, body: str):
        self.body = body
        self.facts: dict[tuple[str, int], bool] = {}

    def _fact(self, kind: str, position: int, test) -> bool:
        key = (kind, self.body.rfind("\n", 0, position) + 1)
        if key not in self.facts:
            self.facts[key] = test(self.body, position)
        return self.facts[key]

    def capitals(self, position: int) -> bool:
        return self._fact("capitals", position, on_capitals_line)

    def title_case(self, position: int) -> bool:
        return self._fact("title", position, on_title_case_line)


def _read_context(body: str, m: Mention, lines: _Lines) -> None:
    m.the_before = body[max(0, m.start - 4) : m.start].lower().endswith("the ")
    m.table_cell = _table_cell(body, m.end)
    m.title_line = lines.title_case(m.start)
    m.sent_init = sentence_initial(body, m.start)
    m.colon_after = body[m.end : m.end + 1] == ":"


def contributions_frame(firsts: dict[str, list[Mention]], bodies: dict[str, str], gaz: Gazetteer) -> pl.DataFrame:
    """What each body's first pass tells the corpus: keys written in mixed case, label votes
    and mid-sentence capitals for the names to look for in capitals lines, acronym definitions."""
    rows = []
    for content_hash, mentions in firsts.items():
        cells = results_rows(bodies[content_hash]) if mentions else set()
        for m in mentions:
            where = position(m.phase, content_hash, m.ordinal)
            if (m.start, m.end) in cells and " " not in m.key:
                rows.append((content_hash, "row", m.key, "", where))
            mixed_case = not is_all_caps(m.surface)
            if mixed_case:
                rows.append((content_hash, "mixed", m.key, "", where))
            # An acronym in a mixed-case line ("aiding the KDP") is written as its name is.
            acronym = not m.caps_line and " " not in m.surface and len(m.key) <= 5
            if mixed_case or acronym or gaz.strong_place(m.key):
                rows.append((content_hash, "vote", m.key, m.label, where))
                if not (m.sent_init or m.title_line):
                    rows.append((content_hash, "mid", m.key, "", where))
        if mentions:
            for key, long_form in acronym_definitions(bodies[content_hash]).items():
                rows.append((content_hash, "definition", key, long_form, position(0, content_hash, 0)))
    frame = pl.DataFrame(rows, schema={c: t for c, t in CONTRIBUTION_SCHEMA.items() if c != "count"}, orient="row")
    return (
        frame.sort("position")
        .group_by("content_hash", "kind", "key", "value", maintain_order=True)
        .agg(pl.len().cast(pl.Int64).alias("count"), pl.col("position").first())
        .select(list(CONTRIBUTION_SCHEMA))
    )


def contribution_totals(contributions: pl.DataFrame) -> pl.DataFrame:
    """Contributions added up across bodies per kind, key and value (counts summed, the first
    position kept; content_hash null), which `corpus_state` reads as it reads the bodies' own
    rows: the corpus's contributions can be added up a chunk at a time, in memory that grows
    with the vocabulary rather than with the corpus."""
    return (
        contributions.group_by("kind", "key", "value")
        .agg(pl.col("count").sum().cast(pl.Int64), pl.col("position").min())
        .with_columns(pl.lit(None, pl.String).alias("content_hash"))
        .select(list(CONTRIBUTION_SCHEMA))
    )


def corpus_state(contributions: pl.DataFrame, rules: AliasRules, gaz: Gazetteer, lexicon: Lexicon) -> CorpusState:
    """From every body's contributions: the keys written in mixed case, the names to find again
    in capitals lines (with their label), and the acronyms the corpus defines one way only."""
    from spacy.lang.en.stop_words import STOP_WORDS

    def kind(name: str) -> pl.DataFrame:
        return contributions.filter(pl.col("kind") == name)

    state = CorpusState()
    state.mixed = set(kind("mixed")["key"].to_list())
    state.table_rows = set(kind("row")["key"].to_list())
    mid_sentence = set(kind("mid")["key"].to_list())
    # The label most mentions got, ties to the label seen first in the corpus order.
    votes = kind("vote").sort("position").group_by("key", "value", maintain_order=True).agg(pl.col("count").sum())
    best: dict[str, tuple[str, int]] = {}
    for key, label, count in votes.iter_rows():
        if key not in best or count > best[key][1]:
            best[key] = (label, count)
    for key, (label, _) in best.items():
        if len(key) < 2 or key in rules.ignore:
            continue
        # A single ordinary word ("TOP", "OVER") is known as a name only when it is also
        # capitalised in the middle of a sentence somewhere.
        if " " not in key and not gaz.strong_place(key) and (
            key in STOP_WORDS or lexicon.is_ordinary(key) or (lexicon.is_word(key) and key not in mid_sentence)
        ):
            continue
        state.known[key] = label
    definitions: dict[str, set[str]] = defaultdict(set)
    for key, long_form in kind("definition").select("key", "value").iter_rows():
        definitions[key].add(long_form)
    state.acronyms = {key: next(iter(forms)) for key, forms in definitions.items() if len(forms) == 1}
    return state


def second_pass(
    content_hash: str, body: str, first: list[Mention], state: CorpusState, rules: AliasRules, gaz: Gazetteer
) -> tuple[list[Mention], set[tuple[str, str, str]]]:
    """One body's mentions resolved within the body, given what the corpus knows; also what of
    the corpus it read (kind, key, value), so that the result is recomputed when that changes."""
    read: set[tuple[str, str, str]] = set()
    # Headlines are all capitals: a name seen only there, and never in mixed case, is a
    # headline fragment ("GOLF - LEADING SCORES"), unless an acronym or a place.
    kept = []
    for m in first:
        if m.fixed or not m.caps_line or (" " not in m.key and len(m.key) <= 5) or gaz.strong_place(m.key):
            kept.append(m)
            continue
        mixed = m.key in state.mixed
        read.add(("mixed", m.key, "1" if mixed else ""))
        if mixed:
            kept.append(m)
    # Names known from mixed-case text are found again in the all-capital lines, and where the
    # recogniser missed them in mixed-case lines.
    added: list[Mention] = []
    lines = _Lines(body)
    credits = credit_spans(body)
    if any(is_all_caps(line) for line in body.split("\n")):
        read.update(("known", key, state.known.get(key, "")) for key in capitals_keys(body))
        added = capitals_mentions({content_hash: body}, kept, state.known)
        for m in added:
            m.caps_line = True
    found, looked_up = known_mentions(content_hash, body, kept + added, state.known)
    read.update(("known", key, state.known.get(key, "")) for key in looked_up)
    credited = next((agency for _, _, agency in credits if agency), None)
    added = [
        m for m in added + found
        if not in_credit(credits, m.start, m.end) and not (credited and agency_named(m.surface) == credited)
    ]
    for i, m in enumerate(added):
        m.key = name_key(m.surface)
        m.name = m.surface
        if m.key in rules.merge:
            m.name, forced = rules.merge[m.key]
            m.key = name_key(m.name)
            m.actor_type = forced or ""
        m.phase, m.ordinal = 2, i
        _read_context(body, m, lines)
    group = kept + added
    # Acronyms as the text defines them, else as the one definition the corpus has.
    own = acronym_definitions(body)
    read.update(("acronym", m.key, state.acronyms.get(m.key, "")) for m in group if not m.fixed and m.key not in own)
    _resolve_within_body(body, group, {**state.acronyms, **own}, gaz)
    return group, read


def second_passes(
    firsts: dict[str, list[Mention]], bodies: dict[str, str], state: CorpusState, rules: AliasRules, gaz: Gazetteer
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(local mentions, what each body read of the corpus) for the bodies of `firsts`."""
    rows, reads = [], []
    for content_hash, first in firsts.items():
        group, read = second_pass(content_hash, bodies[content_hash], first, state, rules, gaz)
        for m in group:
            values = (m.surface, m.label, m.source, m.key, m.name, m.actor_type, m.fixed, m.person_hint,
                      m.crossed_line, m.the_before, m.table_cell, m.title_line, m.sent_init, m.colon_after)
            signature = hashlib.sha1("\x1f".join(map(str, values)).encode()).hexdigest()
            rows.append((content_hash, m.phase, m.ordinal, m.start, m.end, *values, signature,
                         position(m.phase, content_hash, m.ordinal)))
        reads += [(content_hash, *r) for r in sorted(read)]
    return (
        pl.DataFrame(rows, schema=LOCAL_SCHEMA, orient="row"),
        pl.DataFrame(reads, schema=DEPENDENCY_SCHEMA, orient="row"),
    )


def signature_frame(local: pl.DataFrame) -> pl.DataFrame:
    """One row per distinct signature: how many mentions, first and last position."""
    return local.group_by("signature").agg(
        *[pl.col(c).first() for c in SIGNATURE],
        pl.len().cast(pl.Int64).alias("count"),
        pl.col("position").min().alias("first"),
        pl.col("position").max().alias("last"),
    )


def combine_signatures(*frames: pl.DataFrame) -> pl.DataFrame:
    """Signature frames of parts of the corpus added up."""
    frames = [f for f in frames if f.height]
    if not frames:
        return signature_frame(pl.DataFrame(schema=LOCAL_SCHEMA))
    return pl.concat([f.select(signature_frame(pl.DataFrame(schema=LOCAL_SCHEMA)).columns) for f in frames], how="vertical_relaxed").group_by("signature").agg(
        *[pl.col(c).first() for c in SIGNATURE],
        pl.col("count").sum(),
        pl.col("first").min(),
        pl.col("last").max(),
    )


def resolve_signatures(
    signatures: pl.DataFrame, rules: AliasRules, gaz: Gazetteer, lexicon: Lexicon, table_rows: set[str] = frozenset()
) -> pl.DataFrame:
    """Across the corpus, over distinct signatures (weighted by their mention counts): codes and
    gazetteer for places, one type per name, surnames; junk by meaning; renames; display names
    and ids. Returns signature, actor_id, name, actor_type for the signatures that are actors."""
    mentions = []
    for row in signatures.sort("first").iter_rows(named=True):
        m = Mention(row["signature"], row["surface"], row["entity_label"], 0, 0, source=row["source"], key=row["key"],
                    name=row["name"], actor_type=row["actor_type"], fixed=row["fixed"], person_hint=row["person_hint"],
                    crossed_line=row["crossed_line"], the_before=row["the_before"], table_cell=row["table_cell"],
                    title_line=row["title_line"], sent_init=row["sent_init"], colon_after=row["colon_after"])
        m.count, m.last = row["count"], row["last"]
        mentions.append(m)

    _resolve_across_bodies(mentions, gaz, rules)
    kept = _drop_common_word_names(mentions, lexicon, gaz, table_rows)
    # Renames from the alias table, then ids.
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
        rows.append((m.content_hash, actor_id_for(name, m.actor_type), name, m.actor_type, list(m.ambiguous) or None))
    return pl.DataFrame(rows, schema=RESOLUTION_SCHEMA, orient="row")


def _resolve_within_body(body: str, group: list[Mention], acronyms: dict[str, str], gaz: Gazetteer | None = None) -> None:
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
        # Particles do not count: "Von der Leyen" is a surname of one word and a short form of
        # "Ursula von der Leyen".
        if len(core_words(m.key)) > 2 or not core_words(m.key) or m.actor_type == "place":
            continue
        candidates = [k for k in full_names if _is_part_of(words, k.split())]
        if not candidates:
            continue
        best = max(candidates, key=lambda k: (persons[k], -abs(len(k))))
        m.key, m.name = best, names_by_key[best]
        m.person_hint = True

    # Institutions: a bare head noun ("the Commission") is the one institution of the text
    # whose name qualifies it by a place or people ("European Commission", "Iraqi
    # Parliament"); with two such, or an unqualified one ("White House" and "House"), it stays.
    qualified: dict[str, set[str]] = defaultdict(set)
    for m in group:
        words = m.key.split()
        if m.label == "ORG" and not m.fixed and len(words) == 2 and _place_qualifier(m.name.split()[0], gaz):
            qualified[words[-1]].add(m.key)
    names_by_key = {m.key: m.name for m in group}
    for m in group:
        if m.fixed or m.label not in ("ORG", "GPE", "LOC", "FAC") or " " in m.key:
            continue
        heads = qualified.get(m.key, set())
        if len(heads) == 1:
            m.key = next(iter(heads))
            m.name = names_by_key[m.key]

    # Capitalisation: an all-capital form takes the mixed-case form used elsewhere in the text.
    mixed = {m.key: m.name for m in group if not is_all_caps(m.name)}
    for m in group:
        if is_all_caps(m.name) and m.key in mixed:
            m.name = mixed[m.key]


def _place_qualifier(word: str, gaz: Gazetteer | None) -> bool:
    """A word naming a place or its people ("European", "Iraqi", "French", "Texas")."""
    if not word[:1].isupper() or is_all_caps(word):
        return False
    key = name_key(word)
    return bool(re.search(r"(?:an|ese|ish|i|ic|ch)$", key)) or (gaz is not None and gaz.strong_place(key) is not None)


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
            votes[m.key][m.actor_type] += 100 * m.count
        kind = "person" if m.person_hint else ACTOR_LABELS.get(m.label, "organization")
        # A label guessed from a table row or a headline counts less than the model's; a name
        # found again through the corpus brings back the corpus's own label: no new evidence,
        # unless the text it stands in names the person in full.
        weight = 1.0 if m.source == "ner" else (0.0 if m.source == "corpus" and not m.person_hint else 0.25)
        votes[m.key][kind] += weight * m.count
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
        elif len(words) >= 2 and words[-1] in INSTITUTION_HEADS:
            types[key] = "organization"
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
    person_keys = Counter()
    for m in mentions:
        if types.get(m.key) == "person":
            person_keys[m.key] += m.count
    written_in_mixed_case = {m.key for m in mentions if not is_all_caps(m.surface)}
    full_by_part: dict[str, list[str]] = defaultdict(list)
    for key in person_keys:
        words = key.split()
        if 2 <= len(core_words(key)) <= 4 and len(words) <= 6 and key in written_in_mixed_case:
            full_by_part[words[-1]].append(key)
            full_by_part[words[0]].append(key)
            if " " in surname_of(key):  # "von der leyen" of "ursula von der leyen"
                full_by_part[surname_of(key)].append(key)
    # Lone surnames: one-word person names, and particle surnames whatever label the model
    # gave them ("Von der Leyen" at the start of a sentence looks like an organisation).
    lone = {k: c for k, c in person_keys.items() if len(k.split()) == 1}
    key_counts = Counter()
    for m in mentions:
        key_counts[m.key] += m.count
    for key in full_by_part:
        if " " in key and key.split()[0] in PARTICLES and key in key_counts:
            lone[key] = key_counts[key]
    surname_map: dict[str, str] = {}
    ambiguous: dict[str, list[str]] = {}
    for key in lone:
        if key not in full_by_part:
            continue
        candidates = Counter({k: person_keys[k] for k in set(full_by_part[key])})
        best, best_count = candidates.most_common(1)[0]
        if best_count >= 0.75 * sum(candidates.values()):
            surname_map[key] = best
        else:
            # Several people share the name and none is clearly meant: kept apart, flagged.
            ambiguous[key] = [k for k, _ in sorted(candidates.items(), key=lambda kc: (-kc[1], kc[0]))]
    # Regnal numbers: "John Paul" (or "Pope John Paul") is the one "John Paul II" the corpus
    # knows, and "Pope John Paul II" the same person as "John Paul II".
    regnal: dict[str, set[str]] = defaultdict(set)
    for key in key_counts:
        base = regnal_base(key)
        if base is None:
            continue
        bare = _without_royal_title(key)
        for form in {base, _without_royal_title(base), key}:
            regnal[form].add(bare)
    for form, bares in regnal.items():
        if len(bares) == 1 and form not in surname_map:
            target = next(iter(bares))
            target = target if target in key_counts else max(
                (k for k in key_counts if _without_royal_title(k) == target), key=lambda k: key_counts[k]
            )
            if form != target:
                surname_map[form] = target
    # The spelling of the last mention in the corpus order.
    names_by_key = {m.key: m.name for m in sorted(mentions, key=lambda m: m.last) if not is_all_caps(m.name)}
    for m in mentions:
        if not m.fixed and m.key in ambiguous:
            m.ambiguous = tuple(names_by_key.get(k, k) for k in ambiguous[m.key])
            if m.key.split()[0] in PARTICLES:
                m.actor_type = "person"
        if not m.fixed and m.key in surname_map:
            m.key = surname_map[m.key]
            m.name = names_by_key.get(m.key, m.name)
        if m.ambiguous:
            m.actor_type = "person"
        elif not (m.fixed and m.actor_type):
            m.actor_type = types.get(m.key, m.actor_type or "organization")
        if m.actor_type == "place" and gaz.place(m.key):
            m.name = gaz.place(m.key)


def _without_royal_title(key: str) -> str:
    words = key.split()
    return " ".join(words[1:]) if len(words) > 2 and words[0] in ROYAL_TITLES else key


def _drop_common_word_names(
    mentions: list[Mention], lexicon: Lexicon, gaz: Gazetteer, table_rows: set[str] = frozenset()
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
    in_prose: set[str] = set()
    for m in mentions:
        # Names found again because the corpus knows them are no evidence of their own.
        if m.source == "corpus":
            continue
        if m.source == "ner" and _capitalised_in_prose(m):
            in_prose.add(m.key)
        if m.the_before:
            with_article.add(m.key)
        # Names of several words, and town names that are also words ("Hull", "Reading"), are
        # names when a results row gives them a score ("Red Star 3"); one word is not enough
        # ("Net 12.5").
        # A single word that names a team in a results or standings table somewhere counts too
        # ("Clyde 3 1 0 2 2 5 3" between other teams' rows).
        in_table = m.table_cell and (" " in m.key or gaz.place(m.key) is not None or m.key in table_rows)
        if in_table:
            table_cells.add(m.key)
        # Capitals are no evidence of a name in an all-capital line, but an acronym ("U.S.")
        # in the middle of a sentence is.
        acronym = len(m.key.replace(" ", "")) <= 5 and " " not in m.surface
        if not m.title_line:
            outside_headings.add(m.key)
        if (acronym or not is_all_caps(m.surface)) and (in_table or not (m.sent_init or m.title_line)):
            mid_sentence.add(m.key)
    kept = []
    for m in mentions:
        # A dictionary word found again only because the corpus knows it as a name is that name
        # where it is capitalised mid-sentence (an ordinary word is not), but not where only its
        # position capitalises it ("Brick kilns" of a town called Brick), in capitals ("LAST
        # SALE:" of a town called Sale), or as a label ("Scorers:", unless a town: "At Hull:").
        if m.source == "corpus" and " " not in m.key and lexicon.is_word(m.key) and (
            is_all_caps(m.surface)
            or m.sent_init
            or ((m.colon_after or m.title_line) and not gaz.strong_place(m.key))
        ):
            continue
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
        if len(words) == 1 and m.key not in mid_sentence:
            # Capitalised only by position, and an ordinary word, or a field label ("Scorers:").
            if lexicon.is_word(m.key) or (m.sent_init and m.colon_after):
                continue
        # A long run of capitalised words seen only in title-case lines is a headline or a
        # menu ("Home Depot Stock Falls After Earnings Report", "Blog Tips Book Reviews").
        if len(words) >= 5 and m.key not in outside_headings:
            continue
        # A row of abbreviations is a table header ("W D L PCT GB").
        if len(words) >= 3 and all(len(w) <= 3 for w in words):
            continue
        if m.key in with_article or m.key in table_cells or m.key in in_prose or (
            m.actor_type == "person" and _looks_like_person(m.name)
        ):
            kept.append(m)
            continue
        # Short capital words ("AI", "TV") neither make nor unmake a name.
        neutral = [w for w in words if len(w) <= 2 and w.isupper()]
        common = [w for w in words if lexicon.is_ordinary(name_key(w)) and w not in neutral]
        if common and len(common) + len(neutral) == len(words):
            continue
        kept.append(m)
    return kept


# Small words inside the names of institutions and places ("Bank of England", "Rio de Janeiro").
NAME_CONNECTORS = {"of", "and", "for", "the", "de", "du", "des", "la", "le", "del", "di", "da", "von", "van", "der", "on", "in", "&"}


def _capitalised_in_prose(m: Mention) -> bool:
    """A name of several words, each capitalised (but for the small words of names), that the
    model found in a sentence, not in a headline, a menu or across a line break: capitals
    that no position explains ("the European Union", "Amnesty International") make it a name
    even when every word is an ordinary one. At the start of a sentence, where the first word's
    capital says nothing, it takes three words ("Scottish Labour Party")."""
    words = m.name.split()
    if len(words) < 2 or is_all_caps(m.name) or m.title_line or m.crossed_line or (m.sent_init and len(words) < 3):
        return False
    capitalised = [w for w in words if w[:1].isupper() and not is_all_caps(w)]
    return (
        all(w[:1].isupper() or w in NAME_CONNECTORS for w in words)
        and words[-1][:1].isupper()
        and len(capitalised) >= 2  # not a word and an acronym ("Ground AI")
    )


def _table_cell(body: str, end: int) -> bool:
    """A name followed by a score, as in a results row ("Hull 2 Leeds 1")."""
    return re.match(r" [-+]?\d+(?:-\d+)?(?: |$|\n|,)", body[end : end + 12]) is not None


ROMAN_NUMERAL = re.compile(r"(?=[IVX])X{0,3}(?:IX|IV|V?I{0,3})")


def _looks_like_person(name: str) -> bool:
    """A person's name is written in capitalised words or all in capitals, not a mix of words
    and acronyms ("Ground AI"); a regnal number is no acronym ("Charles VI")."""
    words = name.split()
    if is_all_caps(name):
        return True
    return not any(len(w) >= 2 and w.isupper() and w.isalpha() and not ROMAN_NUMERAL.fullmatch(w) for w in words)


def _display_names(mentions: list[Mention]) -> dict[tuple[str, str], str]:
    """The name shown for each actor: the most frequent mixed-case spelling, title-cased when
    the corpus only ever wrote it in capitals."""
    spellings: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for m in mentions:
        spellings[(m.key, m.actor_type)][m.name] += m.count
    display = {}
    for ident, counter in spellings.items():
        mixed = [(n, c) for n, c in counter.most_common() if not is_all_caps(n)]
        if mixed:
            display[ident] = mixed[0][0]
        else:
            name = counter.most_common(1)[0][0]
            display[ident] = name if len(name.replace(".", "")) <= 4 else name.title()
    return display
