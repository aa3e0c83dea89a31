"""Quotes: who said what. Direct quotations (text between quotation marks) and reported speech
("Mishustin said (that) ...", "according to X, ...") found in each body by patterns around
speech verbs, each with its speaker resolved to one of the body's stored mentions.

The speaker is the mention in the attribution ("...," Xi said; "...," said Xi; Xi said: "...";
according to Xi, ...); a pronoun ("he said") or a definite title ("the minister said") takes the
most recent person mentioned before it outside quotation marks, a definite organisation noun
("the ministry said") the most recent organisation; an indefinite speaker ("an official said")
stays unresolved. A quotation with no attribution of its own continues the previous speaker when
it follows that speaker's quotation in the same or the next paragraph. Results are kept per body
(`quote_spans`, speakers as mention offsets) and joined to each article's mentions in SQL.
"""

import re
from dataclasses import dataclass

import dagster as dg
import polars as pl

from assets.preview import frame_markdown
from assets.tone import sentence_spans
from pipelines.resources import WarehouseResource
from warehouse import db

SPEECH_VERBS = (
    "said|says|say|told|tells|added|adds|stated|declared|announced|insisted|warned|warns|argued|argues|"
    "explained|noted|notes|wrote|writes|asked|asks|replied|recalled|acknowledged|admitted|claimed|claims|"
    "continued|remarked|stressed|urged|cautioned|conceded|complained|predicted|suggested|tweeted|posted|"
    "confirmed|responded|concluded|observed|emphasi[sz]ed|reiterated|maintained|pledged|promised|vowed|"
    "joked|countered|agreed|recounted|went on|recalls|explains|insists|admits|adds|stresses|concedes|"
    "acknowledges|replies|remembers|remarks|observes|concludes|continues|predicts|suggests|confirms"
)
# Verbs that introduce reported speech without "that" ("Mishustin said it was important").
BARE_CLAUSE_VERBS = {"said", "says", "say", "told", "tells", "added", "adds", "warned", "warns", "insisted",
                     "argued", "argues"}
_VERB = re.compile(rf"\b(?:{SPEECH_VERBS})\b")
_ADVERBS = r"(?:also|later|then|again|earlier|previously|repeatedly|further|simply|once|has|have|had|would|will)"
_PASSIVE_BEFORE = re.compile(r"\b(?:was|were|is|are|be|been|being|it|to)\s+(?:" + _ADVERBS + r"\s+)*$", re.I)
_OPEN_MARKS, _CLOSE_MARKS, _BOTH_MARKS = "“", "”", '"'
_MARK = re.compile(r'["“”]')
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_MARK_OR_BREAK = re.compile(r'["“”]|\n(?:[ \t]*\n)*')
_ACCORDING = re.compile(r"\baccording to\b", re.I)
# Who "told" speaks to before the clause starts: reporters, a newspaper, the audience.
_TOLD_OBJECT = re.compile(r"^\s*(?:[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){0,3}|(?:the|a|an|his|her|their)\s+[\w'-]+(?:\s+[\w'-]+){0,3}?|reporters|journalists|lawmakers|parliament|supporters|delegates|me|us|them|him|her)\b")
_TIME_PHRASE = re.compile(
    r"^\s*(?:,\s*)?(?:(?:late |early |earlier |)(?:on|last|this|next) (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|week|month|year)"
    r"|on \w+ \d{1,2}|yesterday|today|in (?:a|an|the|his|her|their) (?:[\w-]+ ){0,3}(?:statement|interview|speech|briefing|conference|post|letter|address|call|message|report|hearing)"
    r"|at (?:a|an|the) (?:[\w-]+ ){0,3}(?:conference|briefing|summit|meeting|rally|event|hearing|session))(?:\s*,)?\s*"
)
PRONOUNS = {"he", "she"}
# A dateline before the first sentence ("TALLINN, March 10 (Harbour Wire) - "): not the speaker.
_DATELINE = re.compile(r"\s*[A-Z][A-Z .'-]{2,}\b[^\n—–-]{0,40}?\s[-—–]\s")
PERSON_TITLES = (
    "minister|president|premier|chancellor|secretary|spokesman|spokeswoman|spokesperson|official|ambassador|envoy|"
    "governor|mayor|senator|lawmaker|chairman|chairwoman|chair|chief|director|executive|ceo|founder|leader|"
    "general|commander|prosecutor|judge|lawyer|economist|analyst|professor|researcher|scientist|mother|father|"
    "king|queen|prince|pope|officer|head|manager|coach|candidate|negotiator|diplomat|adviser|advisor|deputy"
)
ORG_NOUNS = "ministry|company|government|agency|bank|firm|group|council|commission|committee|court|party|union|department|office|embassy|administration|cabinet|board|organisation|organization|regulator|army|military|police|club|team|campaign"
_PERSON_TITLE = re.compile(rf"\b(?:{PERSON_TITLES})s?\b", re.I)
_ORG_NOUN = re.compile(rf"\b(?:{ORG_NOUNS})\b", re.I)
# Unnamed speakers that still make "..., traders said" reported speech.
_UNNAMED = re.compile(
    rf"^(?:(?:a|an|one|another|some|several|many|other|two|three|four)\s+)?(?:[\w-]+\s+){{0,3}}"
    rf"(?:{PERSON_TITLES}|people|traders|analysts|officials|residents|witnesses|sources|experts|critics|"
    rf"observers|investors|economists|diplomats|police|organi[sz]ers|spokes\w+)s?$", re.I)
_DEFINITE = re.compile(r"^(?:the|this|that|his|her|their|its|[\w.'-]+'s?)\b", re.I)
_INDEFINITE = re.compile(r"^(?:a|an|one|another|some|several|two|three|many|other)\b", re.I)
MAX_SPEAKER_WORDS = 14
MIN_UNATTRIBUTED_WORDS = 8
QUOTE_SCHEMA = {
    "start_char": pl.Int32, "end_char": pl.Int32, "kind": pl.String, "speaker": pl.String,
    "speaker_start": pl.Int32, "speaker_end": pl.Int32, "attribution": pl.String, "resolved_by": pl.String,
}
PENDING_CHUNK_BODIES = 2000
# English bodies per statement of the query that finds the pending ones (`pending_bodies`).
PENDING_QUERY_BODIES = 10_000


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    actor_type: str
    actor_id: str | None = None


@dataclass
class Quote:
    start: int
    end: int
    kind: str
    attribution: str
    speaker: str | None = None
    speaker_mention: Mention | None = None
    resolved_by: str = "none"


def quotation_spans(body: str) -> list[tuple[int, int]]:
    """Text between double quotation marks, as (start, end) inside the marks.

    Straight marks alternate open and close; curly ones say which they are. A quotation still
    open at the end of a paragraph goes on when the next paragraph opens with a mark (the
    newsroom convention for a quotation over several paragraphs); otherwise it goes on over a
    single line break (a hard-wrapped line) and is closed at a blank line. Single quotation
    marks are left alone (nested quotations, apostrophes)."""
    spans, open_at, reopen = [], None, None
    for event in _MARK_OR_BREAK.finditer(body):
        pos, token = event.start(), event.group()
        if token.startswith("\n"):
            if open_at is None:
                continue
            nxt = event.end() + _lead_space(body[event.end():event.end() + 40])
            if body[nxt:nxt + 1] in (_BOTH_MARKS, _OPEN_MARKS) and body[nxt:nxt + 1]:
                reopen = nxt
            elif token.count("\n") > 1:
                spans.append((open_at + 1, pos))
                open_at = None
            continue
        if open_at is None:
            if token != _CLOSE_MARKS:
                open_at = pos
        elif pos == reopen:
            reopen = None
        elif token == _OPEN_MARKS:
            continue  # a curly opening mark inside a quotation is a nested one, not its end
        else:
            spans.append((open_at + 1, pos))
            open_at = None
    if open_at is not None:
        spans.append((open_at + 1, len(body.rstrip())))
    return [(s, e) for s, e in spans if body[s:e].strip()]


def _paragraph_break_before(body: str, pos: int) -> bool:
    return body[:pos].rstrip(" \t").endswith("\n")


def _words(text: str) -> int:
    return len(re.findall(r"[\w']+", text))


def _mentions_in(mentions: list[Mention], start: int, end: int) -> list[Mention]:
    return [m for m in mentions if m.start >= start and m.end <= end]


def _last_before(mentions: list[Mention], pos: int, kinds: set[str], quoted: list[tuple[int, int]]) -> Mention | None:
    found = None
    for m in mentions:
        if m.end > pos:
            break
        if m.actor_type in kinds and not any(s <= m.start < e for s, e in quoted):
            found = m
    return found


def _candidates(body: str, start: int, end: int, mentions: list[Mention]) -> list[Mention]:
    """Mentions in the speaker's words that can be the speaker: not a possessive modifier
    ("Lang's lawyer, Rachel Stein") and not inside a relative clause ("Xi, who met Putin, said")."""
    relative = re.search(r",\s*(?:who|which|whose|where)\b", body[start:end])
    stop = start + relative.start() if relative else end
    return [m for m in _mentions_in(mentions, start, stop) if not re.match(r"['’]s?\b", body[m.end:m.end + 2])]


def _by_surname(body: str, start: int, end: int, before: int, mentions: list[Mention]) -> Mention | None:
    """A capitalised word of the speaker's words that ends an earlier mention ("Fischer" after
    "Noah Fischer"): the recogniser often misses a surname's later uses."""
    words = set(re.findall(r"\b[A-Z][\w'-]+\b", body[start:end]))
    found = None
    for m in mentions:
        if m.start >= before:
            break
        last = re.findall(r"[\w'-]+", body[m.start:m.end])
        if last and last[-1] in words and len(last) > 1:
            found = m
    return found


def _titled_person(body: str, title: str, before: int, mentions: list[Mention], quoted) -> Mention | None:
    """The most recent person introduced with the same title ("Judge Helen Carver" for "the judge")."""
    found, previous_end = None, 0
    for m in mentions:
        if m.end > before:
            break
        # The title stands right before the name (no other mention between) or in its appositive.
        near = body[max(previous_end, m.start - 40):m.start] + " " + body[m.end:m.end + 60].split(".")[0].split(";")[0]
        previous_end = m.end
        if m.actor_type != "person" or any(s <= m.start < e for s, e in quoted):
            continue
        if re.search(rf"\b{re.escape(title)}s?\b", near, re.I):
            found = m
    return found


def _leading_organisation(body: str, mentions: list[Mention], before: int, quoted) -> Mention | None:
    """The organisation mentioned most before `before` (the article's company for "the company
    said"), its most recent mention."""
    seen: dict[str, list[Mention]] = {}
    for m in mentions:
        if m.end > before:
            break
        if m.actor_type == "organization" and not any(s <= m.start < e for s, e in quoted):
            seen.setdefault(m.actor_id or body[m.start:m.end], []).append(m)
    if not seen:
        return None
    # On a tie, the organisation named first: a story's own company comes before the others.
    return max(seen.values(), key=lambda ms: (len(ms), -ms[0].start))[-1]


def resolve_speaker(body: str, start: int, end: int, before: int, mentions: list[Mention],
                    quoted: list[tuple[int, int]], after_verb: bool) -> tuple[str | None, Mention | None, str]:
    """The speaker named in body[start:end] (the words before or after the speech verb).

    Returns the phrase as written, the mention it resolves to, and how: `mention`, `surname`,
    `pronoun`, `title`, or `none`. `before` is where the attribution starts."""
    dateline = _DATELINE.match(body, start, end)
    if dateline:
        start = dateline.end()
    phrase = body[start:end].strip(" ,;:—-\n\"“”")
    if not phrase:
        return None, None, "none"
    inside = _candidates(body, start, end, mentions)
    people = [m for m in inside if m.actor_type == "person"]
    # The speaker's own words end at the first comma; an organisation after it is an affiliation.
    comma = body.find(",", start + len(body[start:end]) - len(body[start:end].lstrip(" ,")), end)
    head_end = end if comma < 0 else comma
    others = [m for m in inside if m.actor_type != "person" and m.end <= head_end]
    if people:
        return phrase, people[0], "mention"
    first_words = re.match(r"[\w'-]+", phrase)
    lead = first_words.group().lower() if first_words else ""
    if lead in PRONOUNS:
        return phrase, _last_before(mentions, before, {"person"}, quoted), "pronoun"
    if _INDEFINITE.match(phrase):
        # "a spokesman for Gazprom": the organisation speaks; "an official": nobody we know.
        affiliated = [m for m in inside if m.actor_type != "person"]
        if affiliated and re.search(r"\b(?:for|of|at|from)\s*$", body[start:affiliated[0].start]):
            return phrase, affiliated[0], "mention"
        return phrase, None, "none"
    surname = _by_surname(body, start, head_end, before, mentions)
    if surname is not None and not others:
        return phrase, surname, "surname"
    if others:
        return phrase, (others[0] if after_verb else others[-1]), "mention"
    if _DEFINITE.match(phrase):
        title = _PERSON_TITLE.search(phrase)
        if title:
            titled = _titled_person(body, title.group().rstrip("s").lower(), before, mentions, quoted)
            return phrase, titled or _last_before(mentions, before, {"person"}, quoted), "title"
        if _ORG_NOUN.search(phrase):
            return phrase, _leading_organisation(body, mentions, before, quoted), "title"
    return phrase, None, "none"


def _line_end(body: str, pos: int) -> int:
    newline = body.find("\n", pos)
    return len(body) if newline < 0 else newline


def _line_start(body: str, pos: int) -> int:
    return body.rfind("\n", 0, pos) + 1


def _attribution_after(body: str, close: int, limit: int) -> tuple[int, int, bool, re.Match] | None:
    """`"...," X said` or `"...," said X`: the speaker's words and the verb after a closing mark."""
    tail = body[close + 1:limit]
    if not re.match(r"\s*(?:,|—|-|\w)", tail) and not re.match(r"\s*$", body[close - 1:close]):
        return None
    verb = _VERB.search(tail)
    if not verb:
        return None
    head = tail[:verb.start()]
    if _MARK.search(head) or re.search(r"[.!?;]", head) or _words(head) > MAX_SPEAKER_WORDS:
        return None
    if _PASSIVE_BEFORE.search(head):
        return None
    if head.strip(" ,—-"):
        return close + 1, close + 1 + verb.start(), False, verb
    # Inverted: "said X": the speaker follows the verb, up to the end of its clause.
    rest = tail[verb.end():]
    stop = re.search(r"[.;!?\"“”\n]|,\s+(?:who|which|adding|as|but|and|in|on|at|after|before|when|while)\b", rest)
    end = verb.end() + (stop.start() if stop else len(rest))
    return close + 1 + verb.end(), close + 1 + end, True, verb


def _attribution_before(body: str, opening: int, sentence_start: int) -> tuple[int, int, bool] | None:
    """`X said: "..."`, `X told reporters, "..."`, `according to X, "..."`."""
    head = body[sentence_start:opening]
    if not re.search(r"[:,]\s*$|\b(?:that|saying)\s*$", head):
        return None
    according = list(_ACCORDING.finditer(head))
    if according:
        return sentence_start + according[-1].end(), sentence_start + len(head.rstrip(" ,:")), True
    verbs = list(_VERB.finditer(head))
    if not verbs:
        return None
    verb = verbs[-1]
    if _MARK.search(head[verb.end():]) or _words(head[verb.end():]) > 8:
        return None
    speaker_head = head[:verb.start()]
    if _MARK.search(speaker_head) or _PASSIVE_BEFORE.search(speaker_head) or _words(speaker_head) > MAX_SPEAKER_WORDS:
        return None
    return sentence_start, sentence_start + verb.start(), False


def _sentence_of(spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for s, e in spans:
        if s <= pos < e:
            return s, e
    return pos, pos


def direct_quotes(body: str, mentions: list[Mention], sentences: list[tuple[int, int]],
                  quoted: list[tuple[int, int]]) -> list[Quote]:
    """Each quotation between marks with its attribution after the closing mark, else before
    the opening one, else as the previous speaker's continuation; long unattributed ones are
    kept without a speaker, short ones (scare quotes, titles) dropped."""
    found: list[Quote] = []
    previous: Quote | None = None
    for start, end in quoted:
        close, opening = end, start - 1
        attribution = None
        limit = _line_end(body, close + 1) if close + 1 < len(body) else len(body)
        next_mark = _MARK.search(body, close + 1, limit)
        after = _attribution_after(body, close, next_mark.start() if next_mark else limit)
        if after:
            s, e, inverted, _ = after
            attribution = ("said_after_inverted" if inverted else "said_after", s, e, inverted, close)
        else:
            sentence_start = max(_sentence_of(sentences, opening)[0], _line_start(body, opening))
            if opening < sentence_start:  # the mark opens a sentence of its own
                sentence_start = _line_start(body, opening)
            before = _attribution_before(body, opening, sentence_start)
            if before:
                s, e, according = before
                attribution = ("according_to" if according else "said_before", s, e, according, s)
        text = body[start:end]
        if attribution:
            rule, s, e, after_verb, anchor = attribution
            speaker, mention, how = resolve_speaker(body, s, e, min(anchor, opening), mentions, quoted, after_verb)
            quote = Quote(start, end, "direct", rule, speaker, mention, how)
        elif previous is not None and _continues(body, previous, start):
            quote = Quote(start, end, "direct", "continuation", previous.speaker, previous.speaker_mention, previous.resolved_by)
        elif _words(text) >= MIN_UNATTRIBUTED_WORDS and re.search(r"[.,!?]\s*$", text):
            quote = Quote(start, end, "direct", "unattributed")
        else:
            continue
        found.append(quote)
        if quote.attribution != "unattributed":
            previous = quote
    return found


def _continues(body: str, previous: Quote, start: int) -> bool:
    """A quotation continues the previous speaker's in the same paragraph ("...," X said. "...")
    or opening the paragraph right after it."""
    between = body[previous.end + 1:start - 1]
    breaks = len(_BLANK_LINE.findall(between)) + (0 if _BLANK_LINE.search(between) else between.count("\n"))
    if breaks == 0:
        return not _MARK.search(between) and _words(between) <= MAX_SPEAKER_WORDS
    return breaks == 1 and _paragraph_break_before(body, start - 1) and not _MARK.search(between)


_THAT = re.compile(r"\bthat\b")
_TRAILING_ACCORDING = re.compile(r",\s*according to\b[^,]*$", re.I)


def reported_speech(body: str, mentions: list[Mention], sentences: list[tuple[int, int]],
                    direct: list[Quote], marks: list[tuple[int, int]]) -> list[Quote]:
    """Reported speech, one per sentence: `X said (that) CLAUSE.`, `CLAUSE, X said.`,
    `According to X, CLAUSE.` and `CLAUSE, according to X.`; never over a direct quotation."""
    quoted = [(q.start - 1, q.end + 1) for q in direct if q.attribution != "unattributed"]
    found = []
    for s, e in sentences:
        sentence = body[s:e]
        stripped = sentence.rstrip()
        text_end = s + len(stripped) - (1 if stripped[-1:] in (".", "!", "?") else 0)
        if any(qs < e and s < qe for qs, qe in quoted):
            continue
        quote = (_according(body, s, text_end, mentions, marks) or _parenthetical(body, s, text_end, mentions, marks)
                 or _said_that(body, s, text_end, mentions, marks) or _clause_then_said(body, s, text_end, mentions, marks))
        if quote and _words(body[quote.start:quote.end]) >= 3:
            found.append(quote)
    return found


def _according(body, s, e, mentions, marks) -> Quote | None:
    sentence = body[s:e]
    match = _ACCORDING.search(sentence)
    if not match:
        return None
    if match.start() == 0 or sentence[:match.start()].strip() == "":
        comma = sentence.find(",", match.end())
        if comma < 0:
            return None
        speaker, mention, how = resolve_speaker(body, s + match.end(), s + comma, s, mentions, marks, True)
        return Quote(s + comma + 1 + _lead_space(sentence[comma + 1:]), e, "reported", "according_to", speaker, mention, how)
    if re.search(r",\s*$", sentence[:match.start()]) and "," not in sentence[match.end():]:
        speaker, mention, how = resolve_speaker(body, s + match.end(), e, s, mentions, marks, True)
        return Quote(s, s + len(sentence[:match.start()].rstrip(" ,")), "reported", "according_to", speaker, mention, how)
    return None


def _lead_space(text: str) -> int:
    return len(text) - len(text.lstrip())


def _said_that(body, s, e, mentions, marks) -> Quote | None:
    sentence = body[s:e]
    for verb in _VERB.finditer(sentence):
        head = sentence[:verb.start()]
        # An appositive between commas ("Daniel Reyes, a geophysicist at ..., said") is not counted.
        appositive = re.fullmatch(r"([^,]*),([^,]*),\s*", head)
        core = appositive.group(1) if appositive else head
        if not head.strip() or _words(core) > MAX_SPEAKER_WORDS or _MARK.search(head) or _PASSIVE_BEFORE.search(head):
            continue
        if appositive and _words(appositive.group(2)) > 2 * MAX_SPEAKER_WORDS:
            continue
        if re.search(r",\s*$", head) and not appositive:
            continue  # "CLAUSE, X said" is the other pattern
        rest = sentence[verb.end():]
        that = _THAT.search(rest)
        word = verb.group()
        if that and _words(rest[:that.start()]) <= 8 and not _MARK.search(rest[:that.start()]):
            clause = verb.end() + that.end()
        elif word in BARE_CLAUSE_VERBS:
            skip = verb.end()
            if word in ("told", "tells"):
                obj = _TOLD_OBJECT.match(rest)
                if not obj:
                    return None
                skip += obj.end()
            time = _TIME_PHRASE.match(sentence[skip:])
            if time:
                skip += time.end()
            clause = skip
            nxt = re.match(r"\s*([\w']+)", sentence[clause:])
            # A bare clause starts with its subject, not "to"/"in"/a full stop.
            if not nxt or nxt.group(1).lower() in {"to", "in", "on", "at", "of", "for", "with", "by", "from", "so", "nothing", "yes", "no"}:
                return None
        else:
            continue
        clause_text = sentence[clause:]
        trailing = _TRAILING_ACCORDING.search(clause_text)
        end = s + clause + (trailing.start() if trailing else len(clause_text))
        start = s + clause + _lead_space(clause_text)
        if end - start < 10:
            return None
        speaker, mention, how = resolve_speaker(body, s, s + verb.start(), s, mentions, marks, False)
        if mention is None and how == "none" and not speaker:
            return None
        return Quote(start, len(body[:end].rstrip(" ,")), "reported", "said_that", speaker, mention, how)
    return None


def _clause_then_said(body, s, e, mentions, marks) -> Quote | None:
    sentence = body[s:e]
    match = re.search(rf",\s*([^,]{{1,80}}?)\s+(?:{_ADVERBS}\s+)?(?:{SPEECH_VERBS})\b([^,]{{0,60}})$", sentence)
    inverted = re.search(rf",\s*(?:{SPEECH_VERBS})\s+([^,]{{1,80}})(?:,[^,]{{0,80}})?$", sentence)
    if match and _words(match.group(1)) <= MAX_SPEAKER_WORDS:
        speaker, mention, how = resolve_speaker(body, s + match.start(1), s + match.end(1), s, mentions, marks, False)
    elif inverted and _words(inverted.group(1)) <= 8:
        match = inverted
        speaker, mention, how = resolve_speaker(body, s + match.start(1), s + match.end(1), s, mentions, marks, True)
    else:
        return None
    if not speaker or (mention is None and not _UNNAMED.match(speaker)):
        return None
    return Quote(s, s + match.start(), "reported", "clause_said", speaker, mention, how)


def _parenthetical(body, s, e, mentions, marks) -> Quote | None:
    """`The ice, she says, will settle the argument.`: the whole sentence is reported."""
    sentence = body[s:e]
    match = re.match(rf"^([^,]{{3,}}?),\s*([^,]{{1,40}}?)\s+(?:{SPEECH_VERBS})(?:\s+\w+)?,\s+(\w[^,]*)$", sentence)
    if not match or _words(match.group(2)) > 4 or _words(match.group(3)) < 2:
        return None
    speaker, mention, how = resolve_speaker(body, s + match.start(2), s + match.end(2), s, mentions, marks, False)
    if mention is None:
        return None
    return Quote(s, e, "reported", "parenthetical", speaker, mention, how)


def extract_quotes(body: str, mentions: list[Mention]) -> list[Quote]:
    """Every direct and reported quotation of a body, in text order, with its speaker."""
    mentions = sorted(mentions, key=lambda m: (m.start, m.end))
    sentences = sentence_spans(body)
    marks = quotation_spans(body)
    direct = direct_quotes(body, mentions, sentences, marks)
    reported = reported_speech(body, mentions, sentences, direct, marks)
    # A quotation with no attribution of its own inside reported speech is part of it.
    direct = [q for q in direct if q.attribution != "unattributed"
              or not any(r.start <= q.start and q.end <= r.end + 1 for r in reported)]
    return sorted(direct + reported, key=lambda q: (q.start, q.end))


def quotes_frame(bodies: pl.DataFrame, mentions: pl.DataFrame) -> pl.DataFrame:
    """bodies: content_hash, body; mentions: content_hash, start_char, end_char, actor_type, actor_id.
    Returns one row per quotation: content_hash and the columns of QUOTE_SCHEMA."""
    by_body: dict[str, list[Mention]] = {}
    for ch, start, end, kind, actor in mentions.select("content_hash", "start_char", "end_char", "actor_type", "actor_id").iter_rows():
        by_body.setdefault(ch, []).append(Mention(start, end, kind, actor))
    rows = []
    for ch, body in bodies.select("content_hash", "body").iter_rows():
        for q in extract_quotes(body or "", by_body.get(ch, [])):
            m = q.speaker_mention
            rows.append((ch, q.start, q.end, q.kind, q.speaker, m.start if m else None, m.end if m else None,
                         q.attribution, q.resolved_by if m else "none"))
    return pl.DataFrame(rows, schema={"content_hash": pl.String, **QUOTE_SCHEMA}, orient="row")


def pending_bodies(conn, bodies_per_statement: int = PENDING_QUERY_BODIES) -> pl.DataFrame:
    """quotes_pending.sql's rows (content_hash, mentions_key, again) in content-hash order,
    asked for `bodies_per_statement` English bodies at a time (the ranges of tone_body_keys.sql)."""
    return db.query_in_ranges(conn, "quotes_pending", "tone_body_keys", bodies_per_statement,
                              {"content_hash": pl.String, "mentions_key": pl.String, "again": pl.Boolean})


def rebuild_quotes(conn, articles_per_statement: int) -> bool:
    """Rebuild `quotes` when what it is built from changed since its last build (`build_state`),
    `articles_per_statement` articles at a time in article order (a statement over every
    article held all bodies and mentions of the corpus in DuckDB's memory); returns whether it
    was rebuilt. The caller holds the transaction."""
    def run(sql: str) -> None:
        conn.execute(db.read_sql("quotes_table"))
        for first, last in db.key_ranges(conn, db.read_sql("quotes_articles"), articles_per_statement):
            conn.execute(sql, [first, last])
            # the range's bodies DuckDB cached go back before the next range reads its own
            db.release_memory(conn, in_transaction=True)

    return db.rebuild_if_changed(conn, "quotes", "quotes", "quotes_inputs", run=run)


@dg.asset(group_name="analytics", kinds={"duckdb"}, deps=["actors"])
def quotes(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Who said what: direct and reported quotations with the speaker resolved to an actor
    through the article's mentions. Bodies are read again only when new or when their mentions
    changed; `quotes` is then rebuilt in SQL from the stored spans and the current mentions, when
    those inputs differ from the last build (`build_state`)."""
    with warehouse.read() as conn:
        todo = pending_bodies(conn)
    found = 0
    for first in range(0, todo.height, PENDING_CHUNK_BODIES):
        part = todo.slice(first, PENDING_CHUNK_BODIES)
        chunk = part.select("content_hash")
        with warehouse.read() as conn, db.registered(conn, pending=chunk):
            bodies = db.query_frame(conn, db.read_sql("tone_bodies", pending=chunk["content_hash"]))
            mentions = db.query_frame(conn, db.read_sql("quotes_body_mentions"))
        spans = quotes_frame(bodies, mentions)
        counts = spans.group_by("content_hash").len()
        done = (part.join(counts, on="content_hash", how="left")
                .select("content_hash", "mentions_key", pl.col("len").fill_null(0).cast(pl.Int32).alias("quotes")))
        # Only bodies read before (their mentions changed) have rows to replace: a chunk of new
        # bodies, the whole of a first load, deletes nothing and scans no stored quotation.
        again = part.filter(pl.col("again")).select("content_hash")
        with warehouse.write() as conn, db.transaction(conn), db.registered(conn, pending=again):
            if again.height:
                conn.execute("DELETE FROM quote_spans WHERE content_hash IN (SELECT content_hash FROM pending)")
                conn.execute("DELETE FROM quote_bodies WHERE content_hash IN (SELECT content_hash FROM pending)")
            found += db.insert_frame(conn, "quote_spans", spans)
            db.insert_frame(conn, "quote_bodies", done)
        warehouse.release_memory()  # the blocks the chunk read and wrote: docs/performance.md
    with warehouse.write() as conn:
        with db.transaction(conn):
            # Bodies no longer in the warehouse leave with their quotations.
            for table in ("quote_spans", "quote_bodies"):
                conn.execute(f'DELETE FROM "{table}" WHERE content_hash NOT IN '  # our own table names
                             "(SELECT content_hash FROM article_texts WHERE content_hash IS NOT NULL)")
            # Rebuilt only when what it is built from changed: a run with nothing new reads no body.
            rebuilt = rebuild_quotes(conn, warehouse.rebuild_rows)
        total, resolved = conn.execute("SELECT count(*), count(actor_id) FROM quotes").fetchone()
        preview = db.query_frame(conn, db.read_sql("quotes_preview"))
    context.log.info(f"{todo.height} bodies read, {found} quotations found; {total} quotes, {resolved} with a speaker"
                     + ("" if rebuilt else " (inputs unchanged: quotes kept as they were)"))
    return dg.MaterializeResult(metadata={
        "bodies_read": todo.height,
        "rebuilt": rebuilt,
        "quotes": total,
        "with_speaker": resolved,
        "top_speakers": dg.MetadataValue.md(frame_markdown(preview)),
    })
