"""Cleaning: from raw article records to the bodies that analysts and the later stages read.

Text is normalised (mojibake, U+FFFD, non-breaking and soft hyphens, curly quotes, widths and
ligatures, NFC) and page furniture is removed by general rules: per line, signals such as short
lines without sentence punctuation, navigation / call-to-action / paywall / cookie / share
vocabulary, widget labels and percentages (applied fully only to documents that look like a
copied web page, so wire copy, results tables and datelines survive), and across documents,
short lines that the same outlet repeats in many documents (each distinct text counted once,
so copies of one item in repeated feed snapshots are duplicates, not furniture). Removal never
empties a body, and a line that is most of its article is never furniture. Markup and script
code left by the parsers are removed; titles lose their tags and entities. A feed item with a
headline only gets the headline as its body (`body_kind = 'headline'`, else 'text'), so the
entity step analyses it. Words are counted script-aware (see `count_words`: one per character
in Chinese, Japanese and Thai), and full-width punctuation stays as written. A text file's
leading headline line becomes its title. Each article also gets its publication date
(metadata, else a dateline or a dated phrase in the text, else the file's modification time),
its language and a content hash for deduplication.
"""

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from datetime import date, datetime, timezone
from typing import Callable, Iterable

import dagster as dg
import ftfy
import polars as pl

from assets.actors.provenance import agency_credit
from assets.entities import begin_ahead
from assets.ingest.dates import _DATELINE_AGENCY, _DATELINE_ISO, text_date
from assets.ingest.markup import plain_title, strip_markup
from assets.ingest.scan import RECORD_SCHEMA, article_id
from assets.ingest.textio import count_words, unspaced_share
from assets.preview import frame_markdown
from assets.progress import Progress, chunked
from pipelines.resources import NlpResource, WarehouseResource
from warehouse import db

ARTICLE_SCHEMA = {
    "article_id": pl.String,
    "source_path": pl.String,
    "record_index": pl.Int32,
    "file_hash": pl.String,
    "format": pl.String,
    "outlet": pl.String,
    "url": pl.String,
    "title": pl.String,
    "author": pl.String,
    "published_date": pl.Date,
    "date_source": pl.String,
    "language": pl.String,
    "body": pl.String,
    "word_count": pl.Int32,
    "content_hash": pl.String,
    "body_kind": pl.String,  # text | headline (a feed item with a headline only: the body is the headline)
    "agency": pl.String,  # the wire agency the article credits (assets/actors/provenance.py), NULL when none
}
# Formats whose text is already the main text extracted from a page.
EXTRACTED_FORMATS = ("html", "warc")
# What cleaning reads of a raw record (raw_records holds these columns).
RAW_SCHEMA = RECORD_SCHEMA
LINE_STATS_SCHEMA = {"outlet": pl.String, "line_hash": pl.String, "documents": pl.Int64}

# A short line that the same outlet prints in at least this many documents is furniture.
REPEATED_LINE_MIN_DOCUMENTS = 5
# Lines longer than this are prose even when repeated (updated wire stories share paragraphs).
REPEATED_LINE_MAX_WORDS = 12
# In a page copy, a line without sentence punctuation is kept only from this many words on.
UNPUNCTUATED_KEEP_WORDS = 20
# In a page copy, a sentence with call-to-action, paywall or cookie words is furniture below this.
STRONG_FURNITURE_MAX_WORDS = 15

# A line holding at least this share of its document's words is the article, not furniture.
ARTICLE_LINE_SHARE = 0.5

# In a page copy, the words of prose one furniture line outweighs when delimiting the article.
FURNITURE_LINE_COST = 8.0
FURNITURE_LINE_WORDS_CAP = 8

# Character widths are folded by `_fold_widths` below, not by ftfy, which would rewrite the
# full-width punctuation of Chinese and Japanese text to ASCII.
_FIX = ftfy.TextFixerConfig(uncurl_quotes=True, fix_latin_ligatures=True, fix_character_width=False, normalization="NFC")
# Full-width Latin letters and digits (a Latin word typed in a CJK input method) and half-width
# katakana are folded to their usual forms; full-width punctuation is left as written.
_WIDE_ALNUM = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff66-\uff9f]+")

# Characters that change nothing of the meaning when replaced (hyphens, spaces, zero widths).
_TRANSLATE = str.maketrans(
    {
        "\u2011": "-",  # non-breaking hyphen
        "\u2010": "-",  # hyphen
        "\u00ad": None,  # soft hyphen
        "\u00a0": " ",  # no-break space
        "\u202f": " ",  # narrow no-break space
        "\u2007": " ",
        "\u2009": " ",
        "\u200a": " ",
        "\u3000": " ",
        "\u200b": None,  # zero-width space
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,
        "\u2028": "\n",
        "\u2029": "\n\n",
    }
)
_BULLET = re.compile(r"^\s*[•·▪◦●■□►▸‣∙*\-–]\s*(?=\S)")
_WORD = re.compile(r"\w+")
_LETTERS = re.compile(r"[^\W\d_]{2,}")  # words of letters only, for language evidence
# A sentence ends in . ! ? … : ; possibly followed by closing quotes or brackets; a line that
# ends in a bare bracket or quote ("Sources (0)") does not.
_SENTENCE_END = re.compile(r"[.!?…:;。！？；：．][\"'»”’)\]」』）》〕】]*\s*$")

# Navigation, calls to action, paywalls, cookie banners, sharing and widget vocabulary, in the
# words sites use for them. In a page copy, a line with the strong vocabulary is furniture unless
# it is long; a line with the weak vocabulary is furniture unless it is a sentence.
_STRONG_FURNITURE = re.compile(
    r"\b(?:skip to (?:main )?content|skip navigation|sign ?in|sign ?up|log ?in|log ?out|my account|"
    r"subscribe\w*|subscription\w*|newsletters?|unlock|upgrade to|(?:go|get) premium|"
    r"premium (?:members?|subscribers?|access|content|plan)|paywall|free trial|"
    r"cookies?|privacy (?:policy|notice|settings)|terms (?:of|and) (?:use|service|conditions)|"
    r"accept all|manage (?:preferences|consent)|all rights reserved|advertisement|"
    r"download (?:the|our) app|app store|google play)\b|©",
    re.I,
)
_FURNITURE = re.compile(
    r"\b(?:main menu|menu|navigation|home ?page|back to top|register|per (?:month|year)|consent|"
    r"copyright|advertising|sponsored|promoted|"
    r"share (?:this|on|via)|share|tweet|"
    # a network's name, not its address ("pic.twitter.com/..." is an embedded post)
    r"(?<![./@])(?:facebook|twitter|linkedin|whatsapp|pinterest|reddit|instagram|youtube)(?!\.com)|"
    r"e-?mail (?:this|us)|print(?: this)?|follow us|"
    r"read (?:more|full(?: article)?|next|the full story|also)|continue reading|click here|see (?:more|all)|"
    r"view (?:more|all|comments)|comments|(?:leave|add|post) a comment|load(?:ing)? more|loading|"
    r"related (?:articles|stories|posts|content)|"
    r"recommended|trending|most (?:popular|read|viewed)|top stories|latest news|more from"
    r")\b|^(?:published|updated|posted|last updated)\b|/\s?(?:month|year|mo|yr)\b",
    re.I,
)
# Phrases that make a line furniture in any document (wire copy included).
_ALWAYS_FURNITURE = re.compile(
    r"^(?:advertisement|sponsored content|skip to (?:main )?content|share this (?:article|story)|"
    r"read more|continue reading|click here.*|subscribe(?: now)?|sign up.*newsletter.*|"
    r"(?:\(c\)|©|copyright) .{0,80}all rights reserved\.?)$",
    re.I,
)
# A reader comment's header: "jdoe says:", "Jane on May 2, 2018 at 4:47 pm said:".
# ("The mayor said:" before a quotation is prose: "said" counts only with a time of day.)
_COMMENT_HEADER = re.compile(
    r"^(?:\S+(?: \S+){0,2} says|.{0,80}\bat \d{1,2}:\d\d\s?(?:am|pm)?,? (?:says|said|wrote)):$", re.I
)
# Words of prose after which an article is under way (a comment header before it is not one).
ARTICLE_STARTED_WORDS = 50
_DATED_LINE = re.compile(r"\b(?:19|20)\d\d-[01]\d-[0-3]\d\b|\((?:Reuters|AP|AFP|dpa|Xinhua)\)")
_PERCENT_LINE = re.compile(r"^\W*\d{1,3}(?:[.,]\d+)?\s?%")
_MOSTLY_SYMBOLS = re.compile(r"^[\W\d_]*$")


def normalise_text(text: str) -> str:
    """Unicode repair and typography normalisation that keeps the meaning of the text."""
    text = ftfy.fix_text(text or "", _FIX).translate(_TRANSLATE)
    text = _WIDE_ALNUM.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)
    text = unicodedata.normalize("NFC", text)
    lines = []
    for line in text.split("\n"):
        line = _BULLET.sub("", line)
        line = re.sub(r"[ \t\f\v]+", " ", line).strip()
        lines.append(line)
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def repair_replacement_chars(text: str, vocabulary: dict[str, str]) -> str:
    """Replace a U+FFFD inside a word by the letter that makes a known word ("communiqu\ufffd" ->
    "communique" when that word is seen elsewhere); otherwise drop the replacement mark."""
    if "\ufffd" not in text:
        return text
    letters = sorted({ch for word in vocabulary for ch in word if ch.isalpha()})

    def fix(match: re.Match) -> str:
        word = match.group(0)
        if word.count("\ufffd") == 1 and len(word) > 1:
            # One lookup per letter of the corpus's alphabet, never a scan of the vocabulary.
            found = {vocabulary[c] for c in (word.lower().replace("\ufffd", ch) for ch in letters) if c in vocabulary}
            if len(found) == 1:
                known = found.pop()
                return "".join(k if w == "\ufffd" else w for w, k in zip(word, known))
        return word.replace("\ufffd", "")

    return re.sub(r"\w*\ufffd[\w\ufffd]*", fix, text)


def spelling_vocabulary(texts: Iterable[str]) -> dict[str, str]:
    """Words of four letters or more, by lowercase form, for repairing U+FFFD."""
    vocabulary: dict[str, str] = {}
    for text in texts:
        if "\ufffd" in (text or ""):
            continue  # a damaged text teaches nothing about spelling
        for word in _WORD.findall(text or ""):
            if len(word) >= 4 and not word.isdigit():
                vocabulary.setdefault(word.lower(), word)
    return vocabulary


def _words(line: str) -> int:
    return count_words(line, _WORD)


def _is_sentence(line: str) -> bool:
    return bool(_SENTENCE_END.search(line))


def looks_like_page_copy(lines: list[str]) -> bool:
    """Whether a text is a copy of a whole web page (navigation, widgets) rather than an article."""
    content = [line for line in lines if line]
    if not content:
        return False
    # Counted: furniture lines that are no sentence, so that prose about a newsletter or a
    # subscription service does not make a wire story a page copy.
    furniture = sum(
        1 for line in content if not _is_sentence(line) and furniture_line(line, True, vocabulary_only=True)
    )
    bare = sum(1 for line in content if _words(line) <= 4 and not _is_sentence(line) and not re.search(r"\d", line))
    # Results tables and datelines are bare too, so bareness alone never makes a page copy.
    return furniture >= 2 or (furniture >= 1 and bare >= 8 and bare >= 0.3 * len(content))


def _headline_index(lines: list[str], title: str | None) -> int | None:
    """The line that is the headline: the title when known, else the longest unpunctuated line
    (five words or more) before the first paragraph of prose."""
    if title:
        wanted = _WORD.findall(normalise_text(title).lower())
        for index, line in enumerate(lines):
            if line and _WORD.findall(line.lower()) == wanted:
                return index
    best, best_words = None, 4
    for index, line in enumerate(lines):
        words = _words(line)
        if _is_sentence(line) and words >= 12:
            break
        if words > best_words and not _is_sentence(line) and not furniture_line(line, True, vocabulary_only=True):
            best, best_words = index, words
    return best


def furniture_line(line: str, page_copy: bool, vocabulary_only: bool = False) -> bool:
    """Whether a line is page furniture rather than article text (`vocabulary_only`: judged by
    its words alone, not by its length or punctuation)."""
    if not line:
        return False
    if _ALWAYS_FURNITURE.match(line):
        return True
    if not page_copy:
        return False
    words = _words(line)
    if not vocabulary_only and (words == 0 or _MOSTLY_SYMBOLS.match(line)):
        return True
    if _PERCENT_LINE.match(line) and words <= 10:
        return True
    if _STRONG_FURNITURE.search(line) and (words < STRONG_FURNITURE_MAX_WORDS or not _is_sentence(line)):
        return True
    if _FURNITURE.search(line) and not (words >= 10 and _is_sentence(line)):
        return True
    if vocabulary_only:
        return False
    return not _is_sentence(line) and words < UNPUNCTUATED_KEEP_WORDS


def line_key(line: str) -> str:
    """The form of a line compared across documents (case, punctuation and spacing ignored;
    digits kept, so the rows of a results table, which differ only in figures, stay apart)."""
    return hashlib.sha1(" ".join(_WORD.findall(line.lower())).encode("utf-8")).hexdigest()[:16]


def main_block(values: list[float]) -> tuple[int, int]:
    """The [start, end) run of lines with the largest sum of values (Kadane): the stretch where
    the article's prose outweighs the furniture between its paragraphs."""
    best, best_span = float("-inf"), (0, 0)
    total, start = 0.0, 0
    for index, value in enumerate(values):
        if total <= 0:
            total, start = 0.0, index
        total += value
        if total > best:
            best, best_span = total, (start, index + 1)
    return best_span


def remove_furniture(
    text: str, title: str | None = None, repeated: set[str] | frozenset = frozenset(), extracted: bool = False
) -> str:
    """The article text without page furniture (see the module docstring for the rules).

    `extracted`: the text is already a main-text extraction (HTML, WARC), whose remaining short
    lines are the article's own headings and lists, so the page-copy rules do not apply."""
    lines = text.split("\n")
    page_copy = not extracted and looks_like_page_copy(lines)
    headline = _headline_index(lines, title) if page_copy else None
    total = sum(_words(line) for line in lines)
    keep = []
    for index, line in enumerate(lines):
        drop = index != headline and (
            furniture_line(line, page_copy)
            or (repeated and _repeatable(line) and line_key(line) in repeated
                and _words(line) < ARTICLE_LINE_SHARE * total)
        )
        keep.append(not drop)
    if page_copy:
        # Reader comments follow the article: everything from the first comment header on goes.
        prose = 0
        for index, line in enumerate(lines):
            if prose >= ARTICLE_STARTED_WORDS and index != headline and _COMMENT_HEADER.match(line):
                keep[index:] = [False] * (len(lines) - index)
                break
            if keep[index] and _is_sentence(line):
                prose += _words(line)
        # Sentences far from the article (teasers, comments, footers) fall outside the block
        # where kept prose outweighs the furniture lines between paragraphs.
        values = [
            (_words(line) if kept else -FURNITURE_LINE_COST - min(_words(line), FURNITURE_LINE_WORDS_CAP))
            if line else 0.0
            for line, kept in zip(lines, keep)
        ]
        start, end = main_block(values)
        keep = [kept and (start <= index < end or index == headline) for index, kept in enumerate(keep)]
    kept_lines = [line for line, kept in zip(lines, keep) if kept]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept_lines)).strip()


def _repeatable(line: str) -> bool:
    # Datelines repeat by nature ("LONDON 1996-08-30") but name the place the story is from.
    return bool(line) and _words(line) <= REPEATED_LINE_MAX_WORDS and not _DATED_LINE.search(line)


def repeated_lines(
    documents: pl.DataFrame, prior: pl.DataFrame | Callable[[pl.DataFrame], pl.DataFrame] | None = None
) -> tuple[dict[str, set[str]], pl.DataFrame]:
    """Per outlet, the keys of short lines printed in at least REPEATED_LINE_MIN_DOCUMENTS
    documents (this batch plus `prior` counts), and this batch's counts as a line-stats frame.

    `documents` has columns outlet and text (normalised). `prior` is the running counts, or a
    function giving the running counts of the (outlet, line_hash) pairs of a frame: only the
    lines of this batch matter, so a store of all counts need not be read whole."""
    counts: dict[tuple[str, str], int] = Counter()
    seen: set[tuple[str, str]] = set()
    for outlet, text in documents.select("outlet", "text").iter_rows():
        if not outlet:
            continue  # documents of unknown outlets come from many sites: nothing to learn
        if (outlet, content_hash(text or "")) in seen:
            continue  # a copy of a text counted already (one item in several feed snapshots)
        seen.add((outlet, content_hash(text or "")))
        keys = {line_key(line) for line in (text or "").split("\n") if _repeatable(line)}
        for key in keys:
            counts[(outlet or "", key)] += 1
    batch = pl.DataFrame(
        [{"outlet": o, "line_hash": k, "documents": n} for (o, k), n in counts.items()], schema=LINE_STATS_SCHEMA
    )
    total = Counter(counts)
    if callable(prior):
        prior = prior(batch.select("outlet", "line_hash"))
    if prior is not None:
        for outlet, key, n in prior.select("outlet", "line_hash", "documents").iter_rows():
            total[(outlet or "", key)] += int(n or 0)
    repeated: dict[str, set[str]] = defaultdict(set)
    for (outlet, key), n in total.items():
        if n >= REPEATED_LINE_MIN_DOCUMENTS:
            repeated[outlet].add(key)
    return dict(repeated), batch


def _classify(text: str) -> str:
    import py3langid  # imported when first needed: its model costs a tenth of a second at every process start

    return py3langid.classify(text)[0]


def detect_language(text: str, hint: str | None = None) -> str | None:
    """ISO 639-1 code of the text's language (the delivered hint, possibly None, when the text
    has too few running words to tell)."""
    hinted = hint.strip().lower().replace("_", "-").split("-")[0] if hint else None
    hinted = hinted if hinted and re.fullmatch(r"[a-z]{2}", hinted) else None
    sample = (text or "")[:1500]  # 1,500 characters tell a language as well as 5,000, at a third of the cost
    if count_words(sample) >= 8 and unspaced_share(sample) > 0.5:
        # Chinese, Japanese, Thai: no spaces, so no "running words" to pick out; the
        # characters themselves carry the language.
        return _classify(sample)
    words = _WORD.findall(sample)
    if len(words) < 8:
        return hinted
    # Names say little about the language an article is written in: a results table of names and
    # numbers reads as Croatian or Pidgin to a character n-gram model. The words that do not start
    # with a capital (function words, verbs; every word of a caseless script) carry the language.
    # With too few of them (a table of names and numbers) there is no evidence: keep the hint.
    running = [word for word in _LETTERS.findall(sample) if not word[0].isupper()]
    if len(running) < 8:
        return hinted
    return _classify(" ".join(running))


def content_hash(body: str) -> str:
    """sha256 of the body with case, Unicode form and spacing normalised."""
    normal = " ".join(unicodedata.normalize("NFKC", body or "").casefold().split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def publication_date(raw_text: str, meta_date: date | None, meta_source: str | None,
                     file_mtime_date: date | None) -> tuple[date | None, str | None]:
    """The publication date and where it came from: metadata, then the text, then the file."""
    if meta_date is not None:
        return meta_date, meta_source or "metadata"
    found, source = text_date(normalise_text(raw_text), reference=file_mtime_date)
    if found is not None:
        return found, source
    if file_mtime_date is not None:
        return file_mtime_date, "file_mtime"
    return None, None


# A leading headline line of a text file: a few words, no sentence end, no dateline, no byline.
HEADLINE_MAX_WORDS = 25
_BYLINE = re.compile(r"^(?:by|von|par|por|di|door|av|af)\s+\S", re.I)
# Wire desk notes and credits that can top a story: "Eds: UPDATES with ...", "... By ANNA
# KELLER Associated Press Writer".
_DESK_NOTE = re.compile(r"^(?:eds?|editors?|note|advisory|corrects?|correction|updates?|embargoed)\b\s*[:.]", re.I)
_CREDIT = re.compile(r"\b[Bb]y [A-Z][\w.'-]+ [A-Z]|\b(?:Press|Staff) Writer\b|\bCorrespondent\b")


# A headline that runs straight into the dateline of the first sentence on one line:
# "Bundestag billigt höheren Verteidigungshaushalt BERLIN — Der Bundestag hat ...".
_HEADLINE_THEN_DATELINE = re.compile(
    r"^(?P<head>\S.{8,200}?[^\W_])\s+[A-ZÄÖÜÉÈ][A-ZÄÖÜÉÈ.'\-]{2,}(?: [A-ZÄÖÜÉÈ][A-ZÄÖÜÉÈ.'\-]+){0,2}"
    r"(?:,\s*[A-Z][\w.']+(?: [A-Z][\w.']+)?)?\s*(?:\([A-Za-z .&-]{2,30}\)\s*)?[—–_-]\s+[A-ZÄÖÜÉÈ\"“„«]"
)


def leading_headline(lines: list[str]) -> str | None:
    """The first line of a plain text file when it is a headline of its own: followed by more
    text, between 2 and HEADLINE_MAX_WORDS words, not a sentence, not a dateline, byline or
    header-like label. Only that line is taken, never the sentence after it."""
    content = [line for line in lines if line.strip()]
    if not content:
        return None
    first = content[0].strip()
    glued = _HEADLINE_THEN_DATELINE.match(first)
    if glued and not _is_sentence(glued["head"]) and not glued["head"].isupper():
        first, content = glued["head"], [glued["head"], first[glued.end("head"):]] + content[1:]
    if len(content) < 2:
        return None
    words = _words(first)
    if not 2 <= words <= HEADLINE_MAX_WORDS or _is_sentence(first) or first.endswith((",", "-", "—", "–")):
        return None
    if _DATELINE_ISO.match(first) or _DATELINE_AGENCY.match(first) or _DATED_LINE.search(first):
        return None
    if _BYLINE.match(first) or _DESK_NOTE.search(first) or _CREDIT.search(first) or furniture_line(first, False) or first[0].islower() or first.startswith(("(", "[", "|")):
        return None
    # A headline is followed by text that is longer than itself (the article).
    if sum(_words(line) for line in content[1:]) < 2 * words:
        return None
    return first


def clean_body(text: str, title: str | None, repeated: set[str], extracted: bool) -> tuple[str, str]:
    """The body and its kind ('text', or 'headline' when the item has only a headline).
    Furniture removal never empties a body: without text left, the cross-document rule is
    dropped, then every rule (the text as delivered, normalised, is the article)."""
    body = remove_furniture(text, title, repeated, extracted)
    if not body.strip() and repeated:
        body = remove_furniture(text, title, frozenset(), extracted)
    if not body.strip():
        body = text.strip()
    if not body and title:
        return normalise_text(title), "headline"
    return body, "text"


def clean_records(
    records: pl.DataFrame, prior_line_stats: pl.DataFrame | Callable[[pl.DataFrame], pl.DataFrame] | None = None
) -> dict[str, pl.DataFrame]:
    """Frames `articles` and `line_stats` from the `records` frame of raw_articles
    (`prior_line_stats` as for `repeated_lines`)."""
    rows = records.to_dicts()
    normalised = [normalise_text(strip_markup(row["text"] or "")) for row in rows]
    vocabulary = spelling_vocabulary(normalised)
    normalised = [repair_replacement_chars(text, vocabulary) for text in normalised]
    outlets = [row["outlet"] or "" for row in rows]  # "" = unknown: no repetition statistics
    repeated, line_stats = repeated_lines(pl.DataFrame({"outlet": outlets, "text": normalised}), prior_line_stats)
    articles = []
    for row, text, outlet in zip(rows, normalised, outlets):
        extracted = row.get("format") in EXTRACTED_FORMATS
        title = plain_title(row.get("title"))
        body, body_kind = clean_body(text, title, repeated.get(outlet, set()), extracted)
        published, date_source = publication_date(
            row["text"] or "", row.get("meta_date"), row.get("meta_date_source"), row.get("file_mtime_date")
        )
        if not title and row.get("format") in ("txt", "md"):
            lines = text.split("\n")
            if looks_like_page_copy(lines):
                index = _headline_index(lines, None)
                title = lines[index] if index is not None else None
            else:
                title = leading_headline(lines)
        articles.append(
            {
                "article_id": article_id(row["source_path"], row["record_index"]),
                "source_path": row["source_path"],
                "record_index": row["record_index"],
                "file_hash": row["file_hash"],
                "format": row["format"],
                "outlet": row["outlet"],
                "url": row["url"],
                "title": normalise_text(title) if title else None,
                "author": row.get("author"),
                "published_date": published,
                "date_source": date_source,
                "language": detect_language(body, row.get("language")),
                "body": body,
                "word_count": count_words(body),
                "content_hash": content_hash(body),
                "body_kind": body_kind,
                "agency": agency_credit(body),
            }
        )
    return {"articles": pl.DataFrame(articles, schema=ARTICLE_SCHEMA), "line_stats": line_stats}


def _preview(articles: pl.DataFrame) -> str:
    return frame_markdown(articles.head(10).select(
        pl.col("source_path").alias("file"), "outlet", pl.col("published_date").alias("date"),
        pl.col("date_source").alias("source"), pl.col("language").alias("lang"), pl.col("word_count").alias("words"),
        pl.col("body").str.slice(0, 70).alias("start of body"),
    ))


ENTITY_SPANS = dg.AssetKey("entity_spans")


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


@dg.asset(group_name="ingest", kinds={"python", "polars", "duckdb"}, deps=["raw_articles"])
def cleaned_articles(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                     nlp: NlpResource) -> dg.MaterializeResult:
    """Articles with normalised, furniture-free bodies, publication dates, languages and content
    hashes (`article_texts`, the core of the public `articles` view), cleaned from the raw
    records that have no cleaned version yet, chunk by chunk; each chunk adds its per-outlet
    line counts to `outlet_line_stats` in the same transaction. When the run goes on to the
    entity step, its workers start loading their model as cleaning begins and get the first
    bodies as it ends."""
    with warehouse.write() as conn, db.transaction(conn):
        removed = len(conn.execute(db.read_sql("clean_remove_stale", conn)).fetchall())
        pending = db.query_frame(conn, db.read_sql("clean_pending"))["article_id"].to_list()
    entities_follow = ENTITY_SPANS in context.job_def.asset_layer.selected_asset_keys
    if entities_follow:
        nlp.start_workers(len(pending))
    size = warehouse.chunk_size
    chunks = chunked(pending, size)
    progress = Progress(context.log, "clean", len(pending), len(chunks))
    words = empty = 0
    date_sources: Counter = Counter()
    languages: Counter = Counter()
    first = None
    for ids in chunks:
        with warehouse.write() as conn:
            records = db.query_frame(conn, db.read_sql("clean_records", ids=ids)).cast(
                {k: v for k, v in RAW_SCHEMA.items()})

        def prior(keys: pl.DataFrame) -> pl.DataFrame:
            with warehouse.write() as conn, db.registered(conn, _keys=keys):
                return db.query_frame(conn, db.read_sql("clean_prior_line_stats")).cast(LINE_STATS_SCHEMA)

        result = clean_records(records, prior)
        articles = result["articles"].with_columns(pl.lit(_now()).alias("ingested_at"))
        with warehouse.write() as conn, db.transaction(conn):
            with db.registered(conn, _articles=articles, _line_stats=result["line_stats"]):
                conn.execute(db.read_sql("clean_write_chunk", conn))
        warehouse.release_memory()  # the blocks the chunk read and wrote: docs/performance.md
        words += int(articles["word_count"].sum() or 0)
        empty += int((articles["word_count"] == 0).sum())
        date_sources.update(str(v) for v in articles["date_source"].to_list())
        languages.update(str(v) for v in articles["language"].to_list())
        first = articles if first is None else first
        progress.step(len(ids))
    context.log.info(f"{len(pending)} articles cleaned, {removed} whose record is gone removed")
    if entities_follow:
        begin_ahead(nlp, warehouse)
    return dg.MaterializeResult(
        metadata={
            "articles": len(pending),
            "removed": removed,
            "words": words,
            "empty_bodies": empty,
            "date_sources": dg.MetadataValue.json(dict(date_sources)),
            "languages": dg.MetadataValue.json(dict(languages)),
            "preview": dg.MetadataValue.md(_preview(first) if first is not None else "_nothing new_"),
        },
    )
