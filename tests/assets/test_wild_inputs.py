"""Inputs from the wild (issue 9, one test or more per class) and the leading headline line of
text files: feeds in legacy and undeclared encodings, furniture that must not empty a body,
markup and script in titles and bodies, headline-only items, script-aware word counts,
outlets, implausible page dates and error pages. Fixtures are written here, in the tests."""

from datetime import date

import polars as pl
import pytest

from assets.clean import clean_records, leading_headline, normalise_text, remove_furniture
from assets.ingest import scan as scan_module
from assets.ingest.feeds import parse_feed
from assets.ingest.html import extract_page, implausible_date
from assets.ingest.markup import plain_title, strip_markup
from assets.ingest.outlets import normalise_outlet, registered_domain, strip_section
from assets.ingest.scan import LEDGER_SCHEMA, RECORD_SCHEMA, parse_bytes, scan_landing
from assets.ingest.screens import screen_reason
from assets.ingest.textio import count_words, decode_bytes

NO_LEDGER = pl.DataFrame(schema=LEDGER_SCHEMA)

RU_TITLE = "Мэр открыл новый мост через реку"
RU_TEXT = ("Мэр города в понедельник открыл новый мост через реку, который строили четыре года. "
           "Жители давно ждали этого дня.")
ZH_TITLE = "城市新桥正式通车"
ZH_TEXT = "市长周一宣布新桥正式通车。这座桥修建了四年，居民们等待了很久。"
JA_TITLE = "市長が新しい橋の開通を発表"
JA_TEXT = "市長は月曜日、四年かけて建設された新しい橋の開通を発表した。住民は長くこの日を待っていた。"
KO_TITLE = "시장이 새 다리 개통을 발표했다"
KO_TEXT = "시장은 월요일 사 년에 걸쳐 지은 새 다리의 개통을 발표했다. 주민들은 오래 이날을 기다렸다."
TH_TITLE = "นายกเทศมนตรีเปิดสะพานใหม่"
TH_TEXT = "นายกเทศมนตรีเปิดสะพานใหม่ข้ามแม่น้ำเมื่อวันจันทร์ หลังจากก่อสร้างมาสี่ปี ชาวเมืองรอคอยวันนี้มานาน"
HE_TITLE = "ראש העיר פתח גשר חדש"
HE_TEXT = "ראש העיר פתח ביום שני גשר חדש מעל הנהר, שנבנה במשך ארבע שנים. התושבים חיכו ליום הזה זמן רב."


def rss(title: str, text: str, declared: str | None, channel: str = "Courier") -> str:
    decl = f'<?xml version="1.0" encoding="{declared}"?>' if declared else '<?xml version="1.0"?>'
    return (f'{decl}\n<rss version="2.0"><channel><title>{channel}</title><link>https://courier.example/</link>'
            f"<item><title>{title}</title><link>https://courier.example/a</link>"
            f"<description>{text}</description><pubDate>Tue, 05 Mar 2024 08:00:00 GMT</pubDate></item>"
            "</channel></rss>")


def record(text: str, **values) -> dict:
    row = dict.fromkeys(RECORD_SCHEMA)
    row.update(source_path="a.txt", record_index=0, file_hash="h", format="txt", text=text,
               file_mtime_date=date(2026, 1, 1))
    row.update(values)
    return row


# 1. One feed never stops a run: declared legacy multi-byte encodings, UTF-16, a bogus name.
@pytest.mark.parametrize("encoding, title, text", [
    ("gb2312", ZH_TITLE, ZH_TEXT), ("big5", "市長宣布新橋通車", "市長週一宣布新橋正式通車，居民等待了很久。"),
    ("euc-kr", KO_TITLE, KO_TEXT), ("shift_jis", JA_TITLE, JA_TEXT), ("utf-16", RU_TITLE, RU_TEXT),
    ("utf-16-le", RU_TITLE, RU_TEXT),
])
def test_feeds_in_declared_multibyte_encodings_load(encoding, title, text):
    declared = "utf-16" if encoding.startswith("utf-16") else encoding
    parsed = parse_bytes("feed.xml", rss(title, text, declared).encode(encoding))
    assert parsed.reason is None
    assert [(r["title"], r["text"]) for r in parsed.records] == [(title, text)]


def test_feed_with_a_bogus_encoding_name_loads_from_its_bytes():
    parsed = parse_bytes("feed.rss", rss("Bürger feiern die Brücke", "Die Brücke ist offen, sagte der Bürgermeister.",
                                         "x-made-up-charset").encode("utf-8"))
    assert parsed.reason is None
    assert parsed.records[0]["title"] == "Bürger feiern die Brücke"


def test_any_parser_error_becomes_that_files_rejection(landing, monkeypatch):
    def broken(data, fmt):
        raise KeyError("surprise")

    monkeypatch.setattr(scan_module, "parse_text", broken)
    (landing / "one.txt").write_text("A story about the harbour, told in several sentences.", encoding="utf-8")
    (landing / "two.html").write_bytes(b"<html><head><title>Harbour</title></head><body><article><p>"
                                       + b"The harbour reopened on Monday after repairs. " * 20
                                       + b"</p></article></body></html>")
    result = scan_landing(landing, NO_LEDGER)
    assert dict(result["rejected"].select("source_path", "reason").iter_rows()) == {
        "one.txt": "The file could not be parsed as txt (KeyError: 'surprise')."}
    assert result["records"]["source_path"].to_list() == ["two.html"]


# 2. Furniture removal never empties a body; copies are duplicates, not furniture.
def test_repeated_snapshots_of_one_item_keep_their_body():
    item = "Flood warning lifted for the river valley"
    rows = [record(item, source_path=f"snap{i}.rss", format="rss", outlet="Valley Courier", title=item)
            for i in range(7)]
    articles = clean_records(pl.DataFrame(rows, schema=RECORD_SCHEMA))["articles"]
    assert articles["body"].to_list() == [item] * 7
    assert articles["content_hash"].n_unique() == 1  # linked as exact copies by dedup


def test_a_line_counted_once_per_distinct_text():
    item = "Ferry timetable changes from Monday.\nFollow us for more updates"
    rows = [record(item, source_path=f"snap{i}.txt", outlet="Harbour Gazette") for i in range(6)]
    _, line_stats = clean_records(pl.DataFrame(rows, schema=RECORD_SCHEMA)).values()
    assert sorted(line_stats["documents"].to_list()) == [1, 1]


def test_a_line_that_is_most_of_the_article_is_not_furniture():
    from assets.clean import line_key

    text = "Storm closes the coast road\nPolice said."
    repeated = {line_key("Storm closes the coast road"), line_key("Police said.")}
    assert remove_furniture(text, repeated=repeated) == "Storm closes the coast road"


def test_furniture_removal_never_empties_a_body():
    text = "Subscribe now\nSign in\nShare this article"
    rows = [record(text, source_path="menu.txt", outlet="Gazette")]
    articles = clean_records(pl.DataFrame(rows, schema=RECORD_SCHEMA))["articles"]
    assert articles["body"].to_list() == [text]


# 3. Feeds without a declared encoding are detected like every other file.
@pytest.mark.parametrize("encoding, title, text", [
    ("koi8_r", RU_TITLE, RU_TEXT), ("euc_jp", JA_TITLE, JA_TEXT), ("shift_jis", JA_TITLE, JA_TEXT),
    ("tis_620", TH_TITLE, TH_TEXT), ("cp1255", HE_TITLE, HE_TEXT),
])
def test_undeclared_legacy_feeds_are_decoded(encoding, title, text):
    body = " ".join([text] * 3)
    records, kind, _ = parse_feed(rss(title, body, None).encode(encoding))
    assert (kind, records[0]["title"], records[0]["text"]) == ("rss", title, body)


def test_declared_encoding_is_used_only_when_the_bytes_agree():
    assert decode_bytes("Grüße aus Köln".encode("utf-8"), "gb2312") == ("Grüße aus Köln", "utf-8")
    assert decode_bytes("Prices \u2013 up \u20ac5".encode("cp1252"), "iso-8859-1") == ("Prices \u2013 up \u20ac5", "cp1252")
    assert decode_bytes("Мост открыт".encode("utf-32-be"))[0] == "Мост открыт"


# 4. Markup and entities in titles, script and literal tags in bodies.
@pytest.mark.parametrize("raw, expected", [
    ("Example <b>Atom</b> &amp; friends", "Example Atom & friends"),
    ("Example &lt;b&gt;Atom&lt;/b&gt; &amp;amp; friends", "Example Atom & friends"),
    ("Caf&#233; &#8220;Rosa&#8221; reopens", "Café \u201cRosa\u201d reopens"),
    ("Profits < costs > forecasts", "Profits < costs > forecasts"),
])
def test_plain_title(raw, expected):
    assert plain_title(raw) == expected


def test_atom_html_title_and_sanitizer_attack():
    atom = ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Hill Times</title>'
            '<entry><title type="html">Example &lt;b&gt;Atom&lt;/b&gt; &amp;amp; friends</title><id>urn:a</id>'
            '<updated>2024-01-02T00:00:00Z</updated><content type="text">The council met on Monday to approve '
            'the budget. &lt;script&gt;function executeMe() { document.cookie = 1; }&lt;/script&gt;</content>'
            "</entry></feed>")
    records, _, _ = parse_feed(atom.encode())
    rows = [record(r["text"], title=r["title"], format="atom") for r in records]
    article = clean_records(pl.DataFrame(rows, schema=RECORD_SCHEMA))["articles"].row(0, named=True)
    assert (article["title"], article["body"]) == ("Example Atom & friends", "The council met on Monday to approve the budget.")


def test_strip_markup_removes_literal_tags_and_code_but_keeps_prose():
    text = ('The museum reopened.\n<iframe src="https://ads.example/slot" width="300"></iframe>\n'
            "function executeMe() { steal(); }\nvar tracker = 1;\nThe mayor said: profits (if any) go to schools.")
    assert strip_markup(text) == "The museum reopened.\n\nThe mayor said: profits (if any) go to schools."
    assert strip_markup("Plain prose, untouched.  ") == "Plain prose, untouched.  "


def test_html_page_body_has_no_literal_iframe():
    page = ("<html><head><title>Museum reopens</title></head><body><article><h1>Museum reopens</h1>"
            + "".join(f"<p>The city museum reopened on Saturday after {n} years of repairs to its roof.</p>"
                      for n in ("two", "three", "four", "five"))
            + "<p>&lt;iframe src=\"https://ads.example/slot\"&gt;&lt;/iframe&gt;</p></article></body></html>")
    body = parse_bytes("museum.html", page.encode()).records[0]["text"]
    assert "iframe" not in body and body.startswith("The city museum reopened")


# 5. Headline-only feed items are kept, with the headline as their body.
def test_headline_only_items_are_kept_as_headline_bodies():
    feed = ('<?xml version="1.0"?><rss version="2.0"><channel><title>Wire - top stories</title>'
            "<item><title>Rail strike called off</title><link>https://wire.example/1</link></item>"
            "<item><title>Port reopens after storm</title><description>The port reopened on Friday.</description></item>"
            "<item><link>https://wire.example/3</link></item></channel></rss>")
    parsed = parse_bytes("wire.rss", feed.encode())
    assert parsed.notes == ["1 feed item(s) hold only a headline; kept with the headline as their body.",
                            "1 feed item(s) with neither a headline nor text skipped."]
    rows = [record(r["text"], title=r["title"], format="rss", outlet=r["outlet"], record_index=i)
            for i, r in enumerate(parsed.records)]
    articles = clean_records(pl.DataFrame(rows, schema=RECORD_SCHEMA))["articles"]
    assert articles.select("outlet", "title", "body", "body_kind", "word_count").rows() == [
        ("Wire", "Rail strike called off", "Rail strike called off", "headline", 4),
        ("Wire", "Port reopens after storm", "The port reopened on Friday.", "text", 5),
    ]


# 6 and 7. Script-aware word counts: CJK and Thai by characters; full-width punctuation kept.
@pytest.mark.parametrize("text, words", [
    ("城市新桥正式通车。", 8), ("新桥 opens today", 4), ("The bridge opens today.", 4), ("สะพานใหม่", 9), ("", 0),
])
def test_count_words(text, words):
    assert count_words(text) == words


def test_full_width_punctuation_is_kept_and_wide_letters_folded():
    assert normalise_text("市长说：“新桥（东段）今天通车！”ＡＢＣ１２３") == '市长说："新桥（东段）今天通车！"ABC123'


def test_cjk_page_keeps_its_article_without_sidebar_and_footer():
    article = "".join(f"<p>{ZH_TEXT}{'市民们在桥上拍照留念，许多人说这是城市最重要的工程之一。' * 2}</p>" for _ in range(4))
    page = ('<html><head><meta charset="utf-8"><title>' + ZH_TITLE + "</title></head><body>"
            "<div class=\"sidebar\"><ul><li><a href=\"/1\">热门新闻一</a></li><li><a href=\"/2\">热门新闻二</a></li></ul></div>"
            f"<article><h1>{ZH_TITLE}</h1>{article}</article>"
            "<footer><p>版权所有 © 2024 城市日报 保留所有权利</p></footer></body></html>")
    record_ = extract_page(page)
    assert record_["text"].startswith("市长周一宣布新桥正式通车。") and "版权所有" not in record_["text"]
    assert "热门新闻" not in record_["text"]


# 8. Outlets: registered domains, channel titles without sections, never the headline.
@pytest.mark.parametrize("value, expected", [
    ("http://example.org?p=123", "example.org"), ("https://news.bbc.co.uk/world", "bbc.co.uk"),
    ("www.courier.example.com.au", "example.com.au"), ("http://intranet/page", "intranet"), ("", None),
])
def test_registered_domain(value, expected):
    assert registered_domain(value) == expected


@pytest.mark.parametrize("title, expected", [
    ("Example News - business", "Example News"), ("World news | The Guardian", "The Guardian"),
    ("NYT > World News", "NYT"), ("World News", "World News"), ("Example News", "Example News"),
])
def test_strip_section(title, expected):
    assert strip_section(title) == expected


def test_outlet_is_never_the_headline_and_urls_become_domains():
    assert normalise_outlet("Bridge opens after four years", "https://www.courier.example/a?b=1",
                            "Bridge opens after four years", "page.html") == "courier.example"
    assert normalise_outlet("example.org?p=123", None, None, "page.html") == "example.org"
    assert normalise_outlet(None, None, None, "Valley Courier/page.html") == "Valley Courier"


# 9. Implausible page dates are refused, with the reason, and the next source is used.
PAGE = ("<html><head><title>Harbour wall repaired</title>{head}</head><body><article><h1>Harbour wall repaired</h1>"
        + "<p>Workers finished repairing the harbour wall on Thursday, two months ahead of plan.</p>" * 5
        + "</article></body></html>")


def test_namespace_date_is_refused_and_recorded():
    page = PAGE.format(head='<link rel="profile" href="http://www.w3.org/2000/01/rdf-schema#">'
                            '<meta property="article:published_time" content="2000-01-01">')
    page_record = extract_page(page)
    assert page_record["meta_date"] is None
    assert page_record["notes"][0].startswith("Page date refused: 2000-01-01 comes from a namespace address")


@pytest.mark.parametrize("value, head, captured, refused", [
    (date(1996, 1, 1), "<script>var since = 1996;</script>", date(2007, 6, 15), "stands for a year alone"),
    (date(1996, 1, 1), "<meta name='date' content='January 1, 1996'>", date(2007, 6, 15), None),
    (date(2009, 3, 2), "", date(2007, 6, 15), "after the page was captured"),
    (date(1985, 5, 4), "", None, "before the first web page"),
    (date(2007, 6, 1), "", date(2007, 6, 15), None),
])
def test_implausible_date(value, head, captured, refused):
    why = implausible_date(value, PAGE.format(head=head), captured)
    assert (why is None) if refused is None else (refused in why)


def test_clean_falls_back_to_the_text_when_the_page_date_is_refused():
    page = ("<html><head><title>Harbour wall repaired</title>"
            '<meta property="article:published_time" content="2000-01-01">'
            '<link rel="profile" href="http://www.w3.org/2000/01/rdf-schema#"></head><body><article>'
            "<h1>Harbour wall repaired</h1><p>Published March 4, 2024</p>"
            + "".join(f"<p>Workers finished the {part} of the harbour wall on Thursday, ahead of plan.</p>"
                      for part in ("north end", "south end", "gate", "steps"))
            + "</article></body></html>")
    parsed = parse_bytes("wall.html", page.encode())
    assert parsed.notes[0].startswith("Page date refused: 2000-01-01 comes from a namespace address")
    rows = [record(r["text"], title=r["title"], format="html", meta_date=r["meta_date"]) for r in parsed.records]
    article = clean_records(pl.DataFrame(rows, schema=RECORD_SCHEMA))["articles"].row(0, named=True)
    assert (article["published_date"], article["date_source"]) == (date(2024, 3, 4), "text")


# 10. Error pages and login prompts are refused with a reason.
def test_error_page_is_rejected():
    page = (b"<html><head><title>403 - Forbidden: Access is denied.</title></head><body><h2>403 - Forbidden</h2>"
            b"<p>HTTP Error 403. The request URL is forbidden.</p></body></html>")
    parsed = parse_bytes("story.html", page)
    assert parsed.reason == 'This is an HTTP error page ("403 - Forbidden"), not an article.'


def test_login_prompt_is_rejected_but_news_about_an_outage_is_not():
    assert screen_reason("Members", "This article is for subscribers only.\nUsername\nPassword\nForgot your password?") \
        == 'This is a login or subscription prompt ("subscribers only"), not an article.'
    assert screen_reason("Access denied to reporters at the border", "Reporters were turned back at the border "
                                                                     "crossing on Monday, officials said.") is None
    assert screen_reason("Access denied", "You are not allowed to view this page.") is not None
    assert screen_reason("Members-only club reopens", "The club reopened its doors on Friday.") is None
    assert screen_reason("Council site down", "The council website showed an HTTP Error 503 for most of Monday, "
                                              "officials said.") is None


# Issue 10: a leading headline line of a text file is its title, never glued to the first sentence.
def test_leading_headline_line_becomes_the_title():
    text = ("Bundestag billigt höheren Verteidigungshaushalt\n"
            "BERLIN — Der Bundestag hat am Donnerstag mehr Geld für die Verteidigung beschlossen. "
            "Die Opposition stimmte dagegen.")
    article = clean_records(pl.DataFrame([record(text)], schema=RECORD_SCHEMA))["articles"].row(0, named=True)
    assert article["title"] == "Bundestag billigt höheren Verteidigungshaushalt"
    assert article["body"] == text


@pytest.mark.parametrize("text, title", [
    ("BRUSSELS 1996-08-22\nThe Commission said on Thursday it would act.", None),
    ("WASHINGTON, Nov. 4, 2025 (AP) — The Senate voted on Tuesday.\nMore followed.", None),
    ("The council met on Monday.\nIt approved the budget for the year.", None),
    ("By Anna Keller\nThe council met on Monday and approved the budget for the year.", None),
    ("Only one line of text here", None),
    ("Eds: ADDS quotes from the mayor By ANNA KELLER Press Writer\nHARBOURTON (AP) _ The ferry sank on Monday, "
     "officials said.", None),
    ("Bundestag billigt höheren Verteidigungshaushalt BERLIN — Der Bundestag hat am Donnerstag mehr Geld für die "
     "Verteidigung beschlossen. Die Opposition stimmte dagegen.", "Bundestag billigt höheren Verteidigungshaushalt"),
    ("Officials in the NATO - led mission said on Monday that the convoy had arrived safely.", None),
    ("BUCHAREST, Romania (AP) _ An Arctic cold wave has killed at least 65 people across Europe, officials said.", None),
    ("Bridge opened by the mayor\nThe new bridge over the river was opened on Monday by the mayor of the town.",
     "Bridge opened by the mayor"),
    ("Ferry fares rise in spring\n\nThe ferry company said fares would rise by five percent in April.",
     "Ferry fares rise in spring"),
])
def test_leading_headline(text, title):
    assert leading_headline(text.split("\n")) == title
