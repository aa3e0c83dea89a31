"""Tests of assets/clean.py: normalisation, furniture removal, dates, languages, hashes."""

from datetime import date
from pathlib import Path

import polars as pl
import py3langid
import pytest

from assets.clean import (
    article_id,
    clean_records,
    content_hash,
    detect_language,
    furniture_line,
    looks_like_page_copy,
    normalise_text,
    publication_date,
    remove_furniture,
    repair_replacement_chars,
)
from assets.ingest.scan import RECORD_SCHEMA

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "clean"


def record(text: str, **values) -> dict:
    row = dict.fromkeys(RECORD_SCHEMA)
    row.update(source_path="a.txt", record_index=0, file_hash="h", format="txt", text=text,
               file_mtime_date=date(2026, 1, 1))
    row.update(values)
    return row


def records(*rows: dict) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=RECORD_SCHEMA)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("the one\u2011China principle", "the one-China principle"),
        ("‘strategic choice’ and “turbulent”", "'strategic choice' and \"turbulent\""),
        ("caf\u00e9 vs cafe\u0301", "café vs café"),
        ("ﬁnal ＡＢＣ", "final ABC"),
        ("  • bullet point\n\n\n\nnext\u00a0line  ", "bullet point\n\nnext line"),
        ("soft\u00adhyphen zero\u200bwidth", "softhyphen zerowidth"),
        ("cafÃ© au lait", "café au lait"),
    ],
)
def test_normalise_text(raw, expected):
    assert normalise_text(raw) == expected


def test_repair_replacement_chars():
    vocabulary = {"communiqué": "communiqué", "résumé": "résumé"}
    assert repair_replacement_chars("a joint communiqu\ufffd today", vocabulary) == "a joint communiqué today"
    assert repair_replacement_chars("Mu\ufffdoz said", vocabulary) == "Muoz said"


@pytest.mark.parametrize(
    "line, page_copy, expected",
    [
        ("Skip to main content", True, True),
        ("Read Full Article", True, True),
        ("Far Right", True, True),
        ("40% Center", True, True),
        ("To view reliability data please Upgrade to Pro", True, True),
        ("Stay informed.Subscribe and get unlimited access", True, True),
        ("Sources are mostly out of (0)", True, True),
        ("The board voted unanimously on Monday to go ahead with the expansion.", True, False),
        ("Advertisement", False, True),
        ("BRUSSELS 1996-08-22", False, False),
        ("Emese Bartha", False, False),
        ("Juventus 3 2 1 0 5 2 7", False, False),
    ],
)
def test_furniture_line(line, page_copy, expected):
    assert furniture_line(line, page_copy) is expected


def test_aggregator_page_keeps_headline_and_text_only():
    text = normalise_text((FIXTURES / "aggregator_page.txt").read_text(encoding="utf-8"))
    assert looks_like_page_copy(text.split("\n"))
    assert remove_furniture(text) == (
        "Harbour authority approves expansion of the northern container terminal\n\n"
        "On March 3, the harbour authority approved a plan to expand the northern terminal, adding two berths.\n"
        "Local residents raised concerns about traffic and noise during the four-year construction period.\n\n"
        "The board voted unanimously on Monday to go ahead with the expansion, which officials say will double the "
        "capacity of the port and bring hundreds of new jobs to the region within five years.\n\n"
        "Critics said the authority had not published a full environmental assessment before the vote, and a group of "
        "residents said it would ask the courts to suspend the decision until one is made public."
    )


def test_wire_copy_is_left_alone():
    text = "Cofinec results.\nEmese Bartha\nBUDAPEST 1996-08-30\nShares fell on Friday.\nJuventus 3 2 1 0 5 2 7\n"
    assert not looks_like_page_copy(text.split("\n"))
    assert remove_furniture(normalise_text(text)) == normalise_text(text)


def test_lines_repeated_by_an_outlet_are_removed():
    topics = ["harbour", "bridge", "school", "market", "library"]
    rows = [record(f"The {topic} story happened today, said officials.\nFollow the Harbour Gazette on social media\n"
                   "The Harbour Gazette is an independent paper with a long and proud history of reporting.",
                   source_path=f"{i}.txt", outlet="Harbour Gazette") for i, topic in enumerate(topics)]
    rows.append(record("Another paper's story, told in full.\nFollow the Harbour Gazette on social media",
                       source_path="other.txt", outlet="Other Paper"))
    articles = clean_records(records(*rows))["articles"]
    bodies = dict(articles.select("source_path", "body").iter_rows())
    assert bodies["0.txt"] == ("The harbour story happened today, said officials.\n"
                               "The Harbour Gazette is an independent paper with a long and proud history of reporting.")
    assert bodies["other.txt"] == "Another paper's story, told in full.\nFollow the Harbour Gazette on social media"


@pytest.mark.parametrize(
    "text, meta, source, mtime, expected",
    [
        ("Text.", date(2024, 1, 2), "header", date(2026, 1, 1), (date(2024, 1, 2), "header")),
        ("Budget passes.\nLISBON 2023-07-05\nText.", None, None, date(2026, 1, 1), (date(2023, 7, 5), "dateline")),
        ("LONDON, Mar 2 (Reuters) - Text.", None, None, date(2025, 3, 9), (date(2025, 3, 2), "dateline")),
        ("Text. The Herald broke the news on Tuesday, November 4, 2025.", None, None, date(2026, 1, 1),
         (date(2025, 11, 4), "text")),
        ("Undated text.", None, None, date(2026, 1, 1), (date(2026, 1, 1), "file_mtime")),
    ],
)
def test_publication_date(text, meta, source, mtime, expected):
    assert publication_date(text, meta, source, mtime) == expected


def test_detect_language():
    assert detect_language("The council approved the budget on Wednesday after a long debate, officials said.") == "en"
    assert detect_language("Le conseil municipal a approuvé le budget mercredi après un long débat, selon les responsables.") == "fr"
    assert detect_language("Kurz.", "de-AT") == "de"
    assert detect_language("Kurz.", None) is None


def test_detect_language_ignores_names_and_needs_running_words():
    # Many Croatian names around a few English words: a character model alone says Croatian.
    names = ["Ivana Horvat (Hrvatska)", "Marija Kovacevic (Hrvatska)", "Jelena Babic (Srbija)", "Petra Juric (Hrvatska)",
             "Ana Novakovic (Slovenija)", "Dubravka Vukovic (Hrvatska)", "Snjezana Petrovic (Srbija)", "Zrinka Grgic (Hrvatska)"]
    rows = "\n".join(f"{i}. {name} 54.{i}0" for i, name in enumerate(names, 1))
    table = f"SWIMMING - ZAGREB OPEN RESULTS.\nZAGREB 2023-03-02\nResults from the Zagreb Open on Thursday:\n{rows}\n"
    assert py3langid.classify(table)[0] == "hr"
    assert detect_language(table) is None  # too few running words to tell: analysed, not skipped
    assert detect_language(table, "en") == "en"
    report = table + "The winner said after the race that she was very happy with her time and the water was cold.\n"
    assert detect_language(report) == "en"


def test_clean_records_frame():
    articles = clean_records(records(record("date ignored\nThe harbour reopened on Saturday after repairs, officials said.",
                                            meta_date=date(2024, 6, 1), meta_date_source="header", outlet="Gazette")))["articles"]
    row = articles.row(0, named=True)
    assert row["article_id"] == article_id("a.txt", 0) == "13d0bc52db4fc6b9"  # sha1 of "a.txt\x1f0", 16 hex digits
    assert (row["published_date"], row["date_source"], row["language"], row["word_count"]) == (date(2024, 6, 1), "header", "en", 11)
    assert row["content_hash"] == content_hash("DATE IGNORED  the harbour reopened on Saturday after repairs, officials said.")
    assert articles.schema["record_index"] == pl.Int32 and articles.schema["word_count"] == pl.Int32


@pytest.mark.parametrize(
    "values, span",
    [
        ([-5, 10, -2, 8, -30, 4], (1, 4)),
        ([3, -1, 3], (0, 3)),
        ([-1, -2], (0, 1)),
        ([-9, 0, 0, 12, -20, 11], (3, 4)),
    ],
)
def test_main_block(values, span):
    from assets.clean import main_block

    assert main_block(values) == span


def test_page_copy_teasers_far_from_the_article_are_dropped():
    article = ("The ferry operator said on Monday that crossings would resume next week once the damaged pier "
               "has been inspected by engineers from the port authority and declared safe for passengers.")
    teaser = "Ten things you did not know about the old lighthouse, according to the people who kept it."
    text = "\n".join(["Home", "News", "Sign in", "Ferry crossings to resume next week", article, article,
                      "Share", "Menu", "Related", "Sports", "Weather", "Opinion", "Video", "Podcasts", teaser])
    assert remove_furniture(text) == "\n".join(["Ferry crossings to resume next week", article, article])


def test_cleaned_articles_asset_uses_the_outlets_running_line_counts(landing, resources):
    import dagster as dg
    from assets.clean import cleaned_articles, line_key
    from assets.ingest import raw_articles

    slogan = "Read the Gazette every day"
    for i, topic in enumerate(["harbour", "bridge"]):
        (landing / f"{i}.txt").write_text(f"source: Gazette\n\nThe {topic} reopened on Monday, officials said.\n{slogan}\n")
    with resources["warehouse"].write() as conn:  # four earlier documents of the outlet printed the slogan
        conn.execute("INSERT INTO outlet_line_stats VALUES ('Gazette', ?, 4)", [line_key(slogan)])
    result = dg.materialize([raw_articles, cleaned_articles], resources=resources)
    assert result.success
    with resources["warehouse"].read() as conn:
        bodies = [r[0] for r in conn.execute("SELECT body FROM articles ORDER BY source_path").fetchall()]
        stats = conn.execute("SELECT outlet, line_hash, documents FROM outlet_line_stats").pl()
    assert bodies == ["The harbour reopened on Monday, officials said.", "The bridge reopened on Monday, officials said."]
    # the running count: four earlier documents plus the two of this run
    assert stats.filter(pl.col("line_hash") == line_key(slogan)).rows() == [("Gazette", line_key(slogan), 6)]
    assert stats.height == 3


def test_reader_comments_after_the_article_are_dropped():
    paragraph = ("The council said on Tuesday that the new cycle lanes would be finished before the summer, "
                 "after months of delays caused by disputes with the contractor over the cost of materials.")
    text = "\n".join(["Home", "Sign in", "Subscribe", "Cycle lanes to open by summer", paragraph,
                      "The mayor said:", "\"We will keep our promise to residents, whatever it costs.\"", paragraph,
                      "rider42 says:", "About time, the old road was a danger to everybody who cycles to work.",
                      "Pat on May 2, 2019 at 4:47 pm said:", "Agreed, and the lights need fixing too."])
    assert remove_furniture(text) == "\n".join(["Cycle lanes to open by summer", paragraph, "The mayor said:",
                                                "\"We will keep our promise to residents, whatever it costs.\"", paragraph])


def test_embedded_posts_do_not_make_an_article_a_page_copy():
    text = ("The mayor shared a photo of the flooded square.\nWater everywhere pic.twitter.com/AbC123\n"
            "— City Hall (@cityhall) May 2, 2024\nResidents were told to stay home.\nStay safe pic.twitter.com/XyZ789")
    assert not looks_like_page_copy(text.split("\n"))
    assert remove_furniture(text) == text
