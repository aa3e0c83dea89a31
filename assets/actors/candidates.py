"""Candidate mentions in a body: the stored spans of actor labels, cleaned, plus what the entity
recogniser misses in wire copy, found without running it again: all-capital datelines, places in
brackets, names in results tables, and names known from mixed-case text found again in
all-capital headlines."""

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass

import polars as pl

from assets.actors.aliases import AliasRules
from assets.actors.lexicons import Gazetteer
from assets.actors.names import PARTICLE_RUN, Cleaned, clean_span, is_all_caps, name_key


# spaCy labels that name actors, and the actor type each stands for.
ACTOR_LABELS = {
    "PERSON": "person",
    "PER": "person",
    "ORG": "organization",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
}


DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'\-]*(?: [A-Z][A-Z.'\-]*){0,3})"
    r"(?:, (?P<region>[A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*){0,2}))?"
    r"(?= \d{4}-\d{2}-\d{2}| \([A-Z][A-Za-z]+\)| [-\u2013\u2014])",
    re.MULTILINE,
)


@dataclass(slots=True)
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
    # Where the mention stands in the corpus: phase (0 entity spans, 1 datelines, brackets and
    # tables, 2 capitals lines), then body, then position in its body's list.
    phase: int = 0
    ordinal: int = 0
    # What the text around the mention says, read once from the body (see `mention_context`).
    caps_line: bool = False  # in a line all in capitals
    the_before: bool = False  # "the " just before
    table_cell: bool = False  # followed by a score, as in a results row
    title_line: bool = False  # in a line whose every word is capitalised
    sent_init: bool = False  # capitalised by position (start of a line or sentence)
    colon_after: bool = False  # a field label ("Scorers:")
    # When one object stands for many mentions alike (a signature): how many, and the position
    # of the last of them in the corpus order.
    count: int = 1
    last: str = ""
    # A bare surname that several full names of the corpus share: their names (see
    # `actors.ambiguous`).
    ambiguous: tuple[str, ...] = ()


def candidate_mentions(spans: pl.DataFrame, bodies: dict[str, str], rules: AliasRules, gaz: Gazetteer) -> list[Mention]:
    """Cleaned mentions of actor labels from the stored spans, plus what the recogniser misses
    in wire copy: all-capital datelines ("BUDAPEST 1996-08-30") and the names in results tables
    ("Greenock Morton 3 2 0 1 5 2 6"), where there is no sentence for the model to read."""
    mentions: list[Mention] = []
    taken: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for content_hash, surface, label, start, end in spans.select(
        "content_hash", "surface", "entity_label", "start_char", "end_char"
    ).iter_rows():
        body = bodies.get(content_hash)
        if body is None:
            continue
        for piece in clean_span(body, start, end, label):
            if in_compound_adjective(body, piece.start, piece.end):
                continue
            if label not in ACTOR_LABELS:
                # The model sometimes gives a place the wrong label in a table ("Belarus 5-1"
                # as a product); a piece the gazetteer knows for sure is still a place.
                if not gaz.strong_place(name_key(piece.name)):
                    continue
                piece_label = "GPE"
            else:
                piece_label = label
            s, e = extend_over_particles(body, piece.start, piece.end)
            if (s, e) != (piece.start, piece.end):
                if any(a <= s and e <= b for a, b in taken[content_hash]):
                    continue  # the rest of a name already taken whole ("Leyen" of "Ursula von der Leyen")
                # A name built around a particle is a person's, unless the gazetteer knows it
                # as a place ("Rio de Janeiro") or the model called it an organisation.
                if piece_label in ("GPE", "LOC", "FAC") and not gaz.place(name_key(body[s:e])):
                    piece_label = "PERSON"
                piece = Cleaned(body[s:e], s, e, piece.crossed_line)
            elif any(a <= piece.start and piece.end <= b and (a, b) != (piece.start, piece.end) for a, b in taken[content_hash]):
                continue
            for m in _split_place_compound(content_hash, piece, piece_label, gaz, rules):
                mentions.append(m)
                taken[content_hash].append((m.start, m.end))

    def free(content_hash: str, s: int, e: int) -> bool:
        return not any(a < e and s < b for a, b in taken[content_hash])

    for content_hash, body in sorted(bodies.items()):
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
        # A place in brackets is a nationality or a location in results ("Johan Capiot (Belgium)").
        for match in re.finditer(r"\(([A-Z][\w'.-]*(?: [A-Z][\w'.-]*){0,3})\)", body):
            s, e = match.start(1), match.end(1)
            if gaz.strong_place(name_key(match.group(1))) and free(content_hash, s, e):
                mentions.append(Mention(content_hash, match.group(1), "GPE", s, e, source="brackets"))
                taken[content_hash].append((s, e))
        # An acronym the text defines ("the Central Narcotics Bureau (CNB) said ... the CNB
        # said") names the institution wherever the text uses it.
        for acronym in sorted({a for a, _ in defined_acronyms(body)}):
            for match in re.finditer(rf"(?<![\w.&-]){re.escape(acronym)}(?![\w&-])", body):
                s, e = match.span()
                if free(content_hash, s, e):
                    mentions.append(Mention(content_hash, acronym, "ORG", s, e, source="acronym"))
                    taken[content_hash].append((s, e))
        for s, e in list_names(body, [m for m in mentions if m.content_hash == content_hash], gaz):
            if free(content_hash, s, e):
                mentions.append(Mention(content_hash, body[s:e], "PERSON", s, e, source="list"))
                taken[content_hash].append((s, e))
        for s, e in table_names(body):
            if free(content_hash, s, e):
                name = body[s:e]
                label = "GPE" if gaz.place(name_key(name)) else ("PERSON" if INITIAL_NAME.match(name) else "ORG")
                mentions.append(Mention(content_hash, name, label, s, e, source="table"))
                taken[content_hash].append((s, e))
    return mentions


# "United States Department of Agriculture (USDA)": capitalised words (with the small words
# of names between them) followed by an acronym in brackets.
ACRONYM_DEFINITION = re.compile(
    r"((?:[A-Z][\w'&.-]*\s+)(?:(?:of|for|and|the|de|du|des|la|le|on|in|&)\s+|[A-Z][\w'&.-]*\s+){0,9})"
    r"\(([A-Z][A-Z&.]{1,9})\)"
)


def acronym_definitions(body: str) -> dict[str, str]:
    """Acronyms a text defines, by key: "United States Department of Agriculture (USDA)" gives
    {"usda": "United States Department of Agriculture"}."""
    return {name_key(acronym): long_form for acronym, long_form in defined_acronyms(body)}


def defined_acronyms(body: str) -> list[tuple[str, str]]:
    """(acronym as written, long form) for each definition in the text."""
    acronyms = []
    for match in ACRONYM_DEFINITION.finditer(body):
        long_form, acronym = match.group(1).strip(), match.group(2)
        letters = acronym.replace(".", "").replace("&", "")
        words = long_form.split()
        # The longest tail of the words whose capitals spell the acronym.
        for i in range(len(words)):
            initials = "".join(w[0] for w in words[i:] if w[0].isupper())
            if initials == letters and words[i][0].isupper():
                acronyms.append((acronym, " ".join(words[i:])))
                break
    return acronyms


NUMBER = re.compile(r"^[-+(]?[\d.][\d.,:/-]*[)%]?[,;.]?$")


CAPITALISED_RUN = re.compile(
    r"(?<![\w'\u2019-])[A-Z][\w'\u2019&-]*\.?(?: (?:(?:of|de|la|le|du|da|van|von|der|den|al|el|bin) )?[A-Z][\w'\u2019&-]*\.?)*"
)


INITIAL_NAME = re.compile(r"^(?:[A-Z]\. ?)+[A-Z][a-z]")


_NAME_WORD = r"[A-Z][\w'\u2019-]*[a-z][\w'\u2019-]*"
_PARTICLE_AFTER = re.compile(rf"(?:\s+(?:{PARTICLE_RUN}))+{_NAME_WORD}")
_PARTICLE_BEFORE = re.compile(rf"{_NAME_WORD}\s+(?:{PARTICLE_RUN})+$")
_PARTICLE_START = re.compile(rf"(?:{PARTICLE_RUN})+{_NAME_WORD}")
_NAME_BEFORE = re.compile(rf"(?<![\w'\u2019-]){_NAME_WORD} $")


def extend_over_particles(body: str, start: int, end: int) -> tuple[int, int]:
    """A name cut at a particle ("Ursula" or "Leyen" of "Ursula von der Leyen", "Saud" of
    "Saud al-Faisal") taken whole: the recogniser often stops at the lower-case word."""
    after = _PARTICLE_AFTER.match(body, end)
    if after and after.end() - end < 40:
        end = after.end()
    if start and body[start - 1] in " -":
        before = _PARTICLE_BEFORE.search(body, max(0, start - 50), start if body[start - 1] == " " else start)
        if before and "\n" not in before.group():
            start = before.start()
        elif body[start - 1] == " " and _PARTICLE_START.match(body, start, end):
            # The span starts at the particle ("van Schalkwyk" of "Danie van Schalkwyk").
            given = _NAME_BEFORE.search(body, max(0, start - 40), start)
            if given:
                start = given.start()
    return start, end


def in_compound_adjective(body: str, start: int, end: int) -> bool:
    """A name hyphenated to a lower-case word is part of an adjective ("the New York-based
    group", "France-registered", "pro-Moscow"), a description rather than a mention."""
    after = body[end : end + 2]
    before = body[max(0, start - 2) : start]
    return bool(re.fullmatch(r"-[a-z]", after) or re.fullmatch(r"[a-z]-", before))


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
    for content_hash, body in sorted(bodies.items()):
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


def capitals_keys(body: str) -> set[str]:
    """Keys of every run of up to four words in the body's all-capital lines: the names that
    `capitals_mentions` could find there, whichever names the corpus knows."""
    keys = set()
    for line in body.split("\n"):
        if is_all_caps(line):
            tokens = [t.span() for t in re.finditer(r"[A-Z][A-Z'.&]*(?:-[A-Z]+)*", line)]
            for i in range(len(tokens)):
                for n in range(1, min(4, len(tokens) - i) + 1):
                    keys.add(name_key(line[tokens[i][0] : tokens[i + n - 1][1]].rstrip(".")))
    return keys


def _split_place_compound(
    content_hash: str, piece: Cleaned, label: str, gaz: Gazetteer, rules: AliasRules
) -> list[Mention]:
    """"Russia-North Korea" (as in "a Russia-North Korea pact") is two places, when the
    gazetteer knows both; any other hyphenated name stays whole."""
    parts = [(m.group(), m.start()) for m in re.finditer(r"[^-\u2010\u2011\u2012\u2013\u2014]+", piece.name)]
    if len(parts) > 1 and all(gaz.strong_place(name_key(p)) or name_key(p) in rules.merge for p, _ in parts):
        return [
            Mention(content_hash, p, label, piece.start + o, piece.start + o + len(p), crossed_line=piece.crossed_line)
            for p, o in parts
        ]
    return [Mention(content_hash, piece.name, label, piece.start, piece.end, crossed_line=piece.crossed_line)]


_RUN_WORD = r"(?:[A-Z]|(?:al|el)-[A-Z])[\w'\u2019&.-]*"
_RUN_PARTICLES = r"(?:(?:von|van|de|der|den|du|des|da|di|del|della|dos|das|le|la|ter|ten|zu|bin|ibn|bint|abu) )*"
# A run of capitalised words on one line, particles of names between them ("Joost van der
# Westhuizen"), not glued to a word before it.
NAME_RUN = re.compile(rf"(?<![\w'\u2019&.-]){_RUN_WORD}(?: {_RUN_PARTICLES}{_RUN_WORD})*")


def name_runs(body: str) -> list[tuple[int, int]]:
    """Offsets of the runs of capitalised words in the body's mixed-case lines, without leading
    function words capitalised by position ("At Portsmouth"), a possessive ending or a full
    stop: where a name the recogniser missed can stand."""
    from spacy.lang.en.stop_words import STOP_WORDS

    runs = []
    offset = 0
    for line in body.split("\n"):
        if not is_all_caps(line):
            for match in NAME_RUN.finditer(line):
                words = match.group().split(" ")
                start = offset + match.start()
                while words and words[0].lower() in STOP_WORDS:
                    start += len(words[0]) + 1
                    words.pop(0)
                if not words:
                    continue
                last = re.sub(r"['\u2019]s?$", "", words[-1])
                if last.endswith(".") and last.count(".") == 1:
                    last = last[:-1]
                words[-1] = last
                text = " ".join(words)
                if len(text.replace(".", "")) >= 2:
                    runs.append((start, start + len(text)))
        offset += len(line) + 1
    return runs


def known_mentions(content_hash: str, body: str, mentions: list[Mention], known: dict[str, str]) -> tuple[list[Mention], set[str]]:
    """Names the corpus knows (`known`: key -> label, names given an actor label elsewhere),
    found again where the recogniser missed them in this body: a whole run of capitalised words
    in a mixed-case line that is one known name, and overlaps no mention of the body ("Tanjug",
    tagged in one report, untagged in the next). Also the keys it looked up, known or not, so
    that the body is resolved again when the corpus comes to know one of them."""
    from spacy.lang.en.stop_words import STOP_WORDS

    taken = bytearray(len(body) + 1)
    for m in mentions:
        taken[m.start : m.end] = b"\x01" * (m.end - m.start)
    added, looked_up = [], set()
    for s, e in name_runs(body):
        if any(taken[s:e]):
            continue
        key = name_key(body[s:e])
        if not key or key in STOP_WORDS:
            continue
        # Capitals after a figure are a unit ("1.64 GW", "30 MW"), whatever the corpus knows.
        if is_all_caps(body[s:e]) and re.search(r"\d\s?$", body[max(0, s - 3) : s]):
            continue
        looked_up.add(key)
        if key in known:
            added.append(Mention(content_hash, body[s:e], known[key], s, e, source="corpus"))
    return added, looked_up


# An item of a list on one line: a run of two to four capitalised words (particles of names
# between them) between list punctuation ("Romania - Viorel Moldovan (21st minute), Dan
# Petrescu (65th)", "Kaluwitharana, Asanka Gurusinha, Aravinda de Silva,").
LIST_ITEM = re.compile(
    rf"(?:^|(?<=[,;:(\-\u2013] )|(?<=\())(?P<name>{_RUN_WORD}(?: {_RUN_PARTICLES}{_RUN_WORD}){{1,3}})(?=(?: \d{{1,3}}(?:st|nd|rd|th))? ?[,;()]|\.?$)",
    re.MULTILINE,
)


def list_names(body: str, mentions: list[Mention], gaz: Gazetteer) -> list[tuple[int, int]]:
    """Offsets of the people the recogniser missed in lists of people: in a line of items
    where the items it tagged are mostly people's names, the other items of two to four
    capitalised words are people too (not places the gazetteer knows, nor a name in brackets
    after an item: where the person comes from)."""
    labels = {(m.start, m.end): m.label for m in mentions if m.source == "ner"}
    person_starts = sorted(m.start for m in mentions if m.source == "ner" and m.label in ("PERSON", "PER"))
    found = []
    offset = 0
    for line in body.split("\n"):
        # Only lines where the model tagged a person can be lists of people.
        i = bisect.bisect_left(person_starts, offset)
        if i < len(person_starts) and person_starts[i] < offset + len(line) and not is_all_caps(line):
            items = [(offset + m.start("name"), offset + m.end("name")) for m in LIST_ITEM.finditer(line)]
            tagged = [labels[i] for i in items if i in labels]
            people = sum(label in ("PERSON", "PER") for label in tagged)
            if people and people > len(tagged) - people:
                for s, e in items:
                    # "(Czech Republic)" after a name is what the person plays for or comes from.
                    bracketed = body[s - 1 : s] == "(" and body[e : e + 1] == ")"
                    if (s, e) not in labels and not bracketed and not gaz.place(name_key(body[s:e])):
                        found.append((s, e))
        offset += len(line) + 1
    return found


_CELL_NAME = r"[A-Z][\w'.&-]*(?: (?:of|de|la|the) ?| [A-Z][\w'.&-]*){0,3}"
# "Albion 2 Cowdenbeath 0": a result; "Clyde 3 1 0 2 2 5 3": a row of a standings table.
RESULT_ROW = re.compile(rf"^(?P<a>{_CELL_NAME}) \d{{1,3}} (?P<b>{_CELL_NAME}) \d{{1,3}}$")
STANDINGS_ROW = re.compile(rf"^(?P<a>{_CELL_NAME})(?: \d{{1,3}}){{3,}}$")


def results_rows(body: str) -> set[tuple[int, int]]:
    """Offsets of the team names of results and standings tables: rows of one of those shapes,
    at least two in a row. Such a table names a team in every row, whatever the word: a club
    called "Albion" or "Clyde" is no dictionary word there."""
    lines, offset = [], 0
    for line in body.split("\n"):
        stripped = line.strip()
        shape = (RESULT_ROW.match(stripped) or STANDINGS_ROW.match(stripped)) if stripped[-1:].isdigit() else None
        lines.append((shape, offset + len(line) - len(line.lstrip())))
        offset += len(line) + 1
    found = set()
    for i, (shape, start) in enumerate(lines):
        neighbours = [lines[j][0] for j in (i - 1, i + 1) if 0 <= j < len(lines)]
        if shape and any(n is not None and n.re is shape.re for n in neighbours):
            for group in ("a", "b"):
                if group in shape.re.groupindex and shape.group(group):
                    found.add((start + shape.start(group), start + shape.end(group)))
    return found
