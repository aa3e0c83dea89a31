"""Tests of assets/ingest: formats, encodings, hostile input and the ledger, on small fixtures
written for these tests (tests/fixtures/ingest) or generated in tmp_path."""

import gzip
import os
import shutil
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from assets.ingest import raw_articles
from assets.ingest import scan as scan_module
from assets.ingest.dates import dateline_date, parse_date_value, phrase_date
from assets.ingest.formats import split_header
from assets.ingest.scan import LEDGER_SCHEMA, parse_bytes, scan_landing
from assets.ingest.textio import UnreadableInput, decode_bytes, gunzip_bounded

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
NO_LEDGER = pl.DataFrame(schema=LEDGER_SCHEMA)


def scan(root: Path, ledger: pl.DataFrame = NO_LEDGER) -> dict:
    return scan_landing(root, ledger)


def reasons(result: dict) -> dict[str, str]:
    return dict(result["rejected"].select("source_path", "reason").iter_rows())


@pytest.fixture
def fixture_landing(landing: Path) -> Path:
    for path in FIXTURES.iterdir():
        shutil.copy2(path, landing / path.name)
    return landing


def test_every_fixture_format_becomes_records(fixture_landing):
    result = scan(fixture_landing)
    records = result["records"]
    got = records.select("source_path", "record_index", "format", "outlet", "meta_date", "meta_date_source").rows()
    assert got == [
        ("array.json", 0, "json", "Coast News", date(2024, 2, 2), "metadata"),
        ("array.json", 1, "json", "coastnews.example", date(2024, 2, 9), "metadata"),
        ("dateline_only.txt", 0, "txt", None, None, None),
        ("feed.atom", 0, "atom", "Hill Times", date(2024, 1, 15), "feed"),
        ("feed.rss", 0, "rss", "Valley Courier", date(2024, 9, 2), "feed"),
        ("feed.rss", 1, "rss", "Valley Courier", date(2024, 9, 3), "feed"),
        ("page.html", 0, "html", "Riverside Post", date(2024, 5, 20), "html"),
        ("records.jsonl", 0, "jsonl", "Vine Weekly", date(2024, 8, 20), "metadata"),
        ("records.jsonl", 1, "jsonl", "Vine Weekly", date(2024, 8, 22), "metadata"),
        ("wire_with_header.txt", 0, "txt", "Harbour Gazette", date(2024, 3, 12), "header"),
    ]
    assert result["rejected"].height == 0
    assert result["notes"] == {"records.jsonl": ["1 malformed JSON line(s) skipped (line 2)."]}
    page = records.filter(pl.col("source_path") == "page.html").row(0, named=True)
    assert page["title"] == "Museum opens new wing"
    assert page["author"] == "Jane Porter"
    assert page["url"] == "https://riverside.example/news/museum-wing"
    assert "four hundred objects" in page["text"] and "Subscribe" not in page["text"]
    wire = records.filter(pl.col("source_path") == "wire_with_header.txt").row(0, named=True)
    assert wire["title"] == "Ferry service resumes after storm"
    assert wire["text"].startswith("PORTSMOUTH — The cross-channel ferry")
    assert records.schema["record_index"] == pl.Int32 and records.schema["meta_date"] == pl.Date


@pytest.mark.parametrize(
    "text, fields, body",
    [
        (" date 2025-11-04 BEIJING — Leaders met.\n\nMore.", {"date": "2025-11-04"}, "BEIJING — Leaders met.\n\nMore."),
        ("date 1996-08-30\nTitle line.\nBody.", {"date": "1996-08-30"}, "Title line.\nBody."),
        ("date 1998-10-02\nsource: Wire Service\n\nNAIROBI (AP) _ Text.", {"date": "1998-10-02", "outlet": "Wire Service"},
         "NAIROBI (AP) _ Text."),
        ("---\ntitle: A page\nurl: https://x.example/a\n---\n# A page\nText.", {"title": "A page", "url": "https://x.example/a"},
         "# A page\nText."),
        ("Note: this is prose, not a header.\nMore.", {}, "Note: this is prose, not a header.\nMore."),
        ("url: see below\nText.", {}, "url: see below\nText."),
    ],
)
def test_split_header(text, fields, body):
    assert split_header(text) == (fields, body)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("1998-10-01", date(1998, 10, 1)),
        ("2019-11-19T10:00:00Z", date(2019, 11, 19)),
        ("Tue, 04 Nov 2025 08:00:00 GMT", date(2025, 11, 4)),
        ("November 4, 2025", date(2025, 11, 4)),
        ("4 November 2025", date(2025, 11, 4)),
        ("2025", None),
        ("Nov 2025", None),
        ("not a date", None),
        (1730678400, date(2024, 11, 4)),
        ("1730678400000", date(2024, 11, 4)),
    ],
)
def test_parse_date_value(value, expected):
    assert parse_date_value(value) == expected


@pytest.mark.parametrize(
    "text, reference, expected",
    [
        ("Shares fall.\nBRUSSELS 1996-08-22\nText.", None, date(1996, 8, 22)),
        ("Mines found.\nBOGOTA, Colombia 1996-08-30\nEight mines.", None, date(1996, 8, 30)),
        ("Shares rise.\nFARMINGTON HILLS, Mich.\n1996-08-30\nShares rose.", None, date(1996, 8, 30)),
        ("Shares rise on 1996-08-30 news.\nText.", None, None),
        ("BEIJING, Nov 4 (Reuters) - China said.", date(2025, 11, 20), date(2025, 11, 4)),
        ("BEIJING, Dec 30 (Reuters) - China said.", date(2026, 1, 2), date(2025, 12, 30)),
        ("BEIJING, Nov 4 (Reuters) - China said.", None, None),
        ("Nothing dated here.\nJust text.", None, None),
    ],
)
def test_dateline_date(text, reference, expected):
    assert dateline_date(text, reference) == expected


def test_phrase_date():
    assert phrase_date("Sources\nThe Daily broke the news in Lisbon on Tuesday, November 4, 2025.") == date(2025, 11, 4)
    assert phrase_date("Published 12 March 2024, 10:00") == date(2024, 3, 12)
    assert phrase_date("The treaty of March 4, 1990 was signed.") is None
    assert phrase_date("The study, released on May 1, 2020, found no link.") is None
    assert phrase_date("Our policy was updated and became effective May 23, 2018.") is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Menu\nHeadline here\nNovember 20, 2019\nText.", date(2019, 11, 20)),
        ("Menu\nUpdated: Tuesday, 19 November 2019, 10:31 GMT\nText.", date(2019, 11, 19)),
        ("Menu\nPublished on 2019-11-18 at 9:05 am\nText.", date(2019, 11, 18)),
        ("The vote on November 20, 2019 was close.\nText.", None),
    ],
)
def test_date_line_date(text, expected):
    from assets.ingest.dates import date_line_date

    assert date_line_date(text) == expected


@pytest.mark.parametrize(
    "data, expected",
    [
        ("Café crème".encode("utf-8"), "Café crème"),
        ("\ufeffCafé".encode("utf-8"), "Café"),
        ("Café crème à la carte".encode("utf-16"), "Café crème à la carte"),
        ("Café crème à la carte".encode("utf-16-le"), "Café crème à la carte"),
        ("Les élèves ont été reçus à l'école, où ils ont déjeuné.".encode("cp1252"),
         "Les élèves ont été reçus à l'école, où ils ont déjeuné."),
        ("â€œquotedâ€\x9d and cafÃ©".encode("utf-8"), "“quoted” and café"),
        (b"text with a stray\x00 NUL", "text with a stray NUL"),
    ],
)
def test_decode_bytes(data, expected):
    assert decode_bytes(data)[0] == expected


def test_gunzip_bounded_refuses_bombs_and_truncation():
    payload = b"a" * 5000
    assert gunzip_bounded(gzip.compress(payload)) == payload
    assert gunzip_bounded(gzip.compress(b"one ") + gzip.compress(b"two")) == b"one two"
    with pytest.raises(UnreadableInput, match="decompression bomb"):
        gunzip_bounded(gzip.compress(b"\0" * 100_000), limit=10_000)
    with pytest.raises(UnreadableInput, match="truncated"):
        gunzip_bounded(gzip.compress(payload)[:20])
    with pytest.raises(UnreadableInput, match="corrupt"):
        gunzip_bounded(b"\x1f\x8b\x08\x00" + b"\xff" * 30)


def write(root: Path, name: str, data: bytes | str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_hostile_input_is_rejected_with_reasons_and_the_rest_loads(landing, tmp_path, monkeypatch):
    monkeypatch.setattr(scan_module, "MAX_DECOMPRESSED_BYTES", 50 * 1024)
    monkeypatch.setattr(scan_module, "MAX_FILE_BYTES", 200 * 1024)
    outside = write(tmp_path, "secret.txt", "date 2024-01-01\nThis must never be read.")
    write(landing, "good.txt", "date 2024-06-01\nThe harbour reopened on Saturday, officials said.")
    write(landing, "good.txt.gz", gzip.compress(b"date 2024-06-02\nThe bridge reopened on Sunday."))
    write(landing, "empty.txt", b"")
    write(landing, "blank.md", b"  \n\t\n")
    write(landing, "image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    write(landing, "noise.bin", os.urandom(0) + bytes(range(256)) * 8)
    write(landing, "table.csv", "a,b\n1,2\n")
    write(landing, "truncated.txt.gz", gzip.compress(b"x" * 4000)[:30])
    write(landing, "fake.json.gz", b"not gzip at all")
    write(landing, "bomb.txt.gz", gzip.compress(b" " * 10 + b"a" * 1_000_000))
    write(landing, "big.txt", b"word " * 50_000)
    write(landing, "broken.json", '{"title": "x", "text": ')
    write(landing, "notext.json", '{"title": "only a title"}')
    write(landing, "nul.txt", b"\x00" * 400 + b"text")
    write(landing, "laughs.xml", '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
          '<rss version="2.0"><channel><title>&b;</title><item><title>t</title><description>&b;</description></item></channel></rss>')
    write(landing, "xxe.rss", f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{outside}">]>'
          '<rss version="2.0"><channel><title>t</title><item><title>t</title><description>&x;</description></item></channel></rss>')
    (landing / "escape.txt").symlink_to(outside)
    (landing / "inside.txt").symlink_to(landing / "good.txt")
    (landing / "away").symlink_to(tmp_path, target_is_directory=True)
    result = scan(landing)
    got = reasons(result)
    assert sorted(result["records"]["source_path"].to_list()) == ["good.txt", "good.txt.gz", "inside.txt"]
    assert got == {
        "away": "This is a symbolic link to a folder outside the landing folder; nothing outside the landing folder is read.",
        "big.txt": "The file is larger than 200 KiB, the most a landing file may hold.",
        "blank.md": "The file is empty or holds only whitespace.",
        "bomb.txt.gz": "The gzip file expands to more than 50 KiB (a possible decompression bomb), so it was not unpacked.",
        "broken.json": "The file is not valid JSON (Expecting value at line 1).",
        "empty.txt": "The file is empty or holds only whitespace.",
        "escape.txt": "This is a symbolic link to a file outside the landing folder; nothing outside the landing folder is read.",
        "fake.json.gz": "The file is named .gz but is not gzip-compressed data.",
        "image.txt": "This is a PNG image, not text, so it holds no article to read.",
        "laughs.xml": "The XML declares its own entities (a possible entity-expansion attack), so it was not parsed.",
        "noise.bin": "Files of type .bin are not a format this pipeline reads (text, Markdown, HTML, JSON, JSON Lines, RSS, Atom, WARC).",
        "notext.json": "The JSON holds no article text (no text, body, content, articleBody or description field).",
        "nul.txt": "This looks like a binary file (it is full of NUL bytes), not text.",
        "table.csv": "Files of type .csv are not a format this pipeline reads (text, Markdown, HTML, JSON, JSON Lines, RSS, Atom, WARC).",
        "truncated.txt.gz": "The gzip file is truncated: it ends before its compressed data does.",
        "xxe.rss": "The XML refers to external entities (files or addresses), which are never followed, so it was not parsed.",
    }
    files = dict(result["files"].select("source_path", "status").iter_rows())
    assert set(files) == set(got) | {"good.txt", "good.txt.gz", "inside.txt"}
    assert {files[p] for p in got} == {"rejected"}
    hashes = dict(result["rejected"].select("source_path", "file_hash").iter_rows())
    assert hashes["escape.txt"] is None and hashes["big.txt"] is None and hashes["empty.txt"] is not None


def test_identical_copy_under_another_name_is_a_new_record(landing):
    write(landing, "a.txt", "date 2024-06-01\nSame text.")
    write(landing, "sub/b.txt", "date 2024-06-01\nSame text.")
    records = scan(landing)["records"]
    assert records.select("source_path", "outlet").rows() == [("a.txt", None), ("sub/b.txt", "sub")]
    assert records["file_hash"].n_unique() == 1


def test_ledger_skips_known_files_without_reading_them(landing, monkeypatch):
    write(landing, "a.txt", "date 2024-06-01\nFirst text.")
    write(landing, "b.txt", "date 2024-06-02\nSecond text.")
    first = scan(landing)
    ledger = first["files"].select("source_path", "size", "mtime_ns", "file_hash", "articles")
    # same size and mtime: skipped without being opened
    opened = []
    real_read = scan_module.read_bounded
    monkeypatch.setattr(scan_module, "read_bounded", lambda path, *a: opened.append(path.name) or real_read(path, *a))
    again = scan(landing, ledger)
    assert again["files"].height == 0 and again["counts"]["skipped"] == 2 and opened == []
    # touched (same bytes, new mtime): unchanged; rewritten: parsed again
    stat = (landing / "a.txt").stat()
    os.utime(landing / "a.txt", ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    write(landing, "b.txt", "date 2024-06-03\nSecond text, corrected.")
    write(landing, "c.txt", "date 2024-06-04\nThird text.")
    third = scan(landing, ledger)
    assert third["files"].select("source_path", "status", "articles").rows() == [
        ("a.txt", "unchanged", 1), ("b.txt", "loaded", 1), ("c.txt", "loaded", 1)]
    assert third["records"]["source_path"].to_list() == ["b.txt", "c.txt"]
    assert third["counts"] == {"new": 1, "changed": 1, "unchanged": 1, "skipped": 0, "rejected": 0}
    assert sorted(opened) == ["a.txt", "b.txt", "c.txt"]


def test_warc_html_responses_become_records(landing):
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    page = (FIXTURES / "page.html").read_bytes()
    for uri, ctype, body in (("https://riverside.example/news/museum-wing", "text/html; charset=utf-8", page),
                             ("https://riverside.example/logo.png", "image/png", b"\x89PNG....")):
        headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(uri, "response", payload=BytesIO(body), http_headers=headers))
    write(landing, "crawl.warc.gz", buffer.getvalue())
    result = scan(landing)
    records = result["records"]
    assert records.select("record_index", "format", "outlet", "meta_date").rows() == [(0, "warc", "Riverside Post", date(2024, 5, 20))]
    assert result["notes"] == {"crawl.warc.gz": ["1 revisit, non-HTML or empty WARC record(s) skipped."]}


def test_parse_bytes_sniffs_files_without_extension():
    assert parse_bytes("APW19981002.0556", b"date 1998-10-02\nText.").format == "txt"
    assert parse_bytes("dump", b'{"text": "Body text."}').format == "json"


def test_raw_articles_asset_reads_the_ledger(fixture_landing, resources):
    result = dg.materialize([raw_articles], resources=resources)
    assert result.success
    meta = result.asset_materializations_for_node("raw_articles")[0].metadata
    assert meta["files_new"].value == 7 and meta["articles"].value == 10
    with duckdb.connect(str(resources["warehouse"].file)) as conn:
        assert conn.execute("SELECT count(*) FROM raw_records").fetchone()[0] == 10
        assert conn.execute("SELECT count(*) FROM landing_files").fetchone()[0] == 7
    second = dg.materialize([raw_articles], resources=resources)
    meta = second.asset_materializations_for_node("raw_articles")[0].metadata
    assert meta["files_new"].value == 0 and meta["articles"].value == 0 and meta["files_skipped"].value == 7


def test_html_body_leaves_the_headline_to_the_title():
    from assets.ingest.html import _without_headline

    assert _without_headline("Museum opens new wing\nThe museum opened.", "Museum Opens New Wing") == "The museum opened."
    assert _without_headline("The museum opened.", "Museum opens new wing") == "The museum opened."
    assert _without_headline("Museum opens new wing", "Museum opens new wing") == "Museum opens new wing"
    page = parse_bytes("page.html", (FIXTURES / "page.html").read_bytes()).records[0]
    assert page["text"].startswith("The city museum opened a new wing on Monday")


def test_html_declared_charset_is_used():
    markup = ('<html><head><meta charset="windows-1252"><title>Caf\xe9</title></head><body><article><p>'
              + "Le caf\xe9 de la place a rouvert ses portes lundi apr\xe8s des travaux. " * 8 + "</p></article></body></html>")
    record = parse_bytes("cafe.html", markup.encode("cp1252")).records[0]
    assert record["title"] == "Café" and "Le café de la place" in record["text"]


def test_compressed_json_lines_and_feeds(landing):
    write(landing, "a.jsonl.gz", gzip.compress(b'{"text": "First item text."}\n{"text": "Second item text."}\n'))
    write(landing, "b.rss.gz", gzip.compress((FIXTURES / "feed.rss").read_bytes()))
    records = scan(landing)["records"]
    assert records.select("source_path", "record_index", "format").rows() == [
        ("a.jsonl.gz", 0, "jsonl"), ("a.jsonl.gz", 1, "jsonl"), ("b.rss.gz", 0, "rss"), ("b.rss.gz", 1, "rss")]


@pytest.mark.parametrize(
    "name, data, expected",
    [
        ("note.md", "# Floods close schools\n\nSchools closed on Friday.",
         {"title": "Floods close schools", "text": "# Floods close schools\n\nSchools closed on Friday."}),
        ("api.json", '{"status": "ok", "articles": [{"title": "A", "description": "Short text.", '
                     '"source": {"id": null, "name": "Daily Example"}, "author": [{"name": "Kim"}, {"name": "Lee"}]}]}',
         {"title": "A", "text": "Short text.", "outlet": "Daily Example", "author": "Kim, Lee"}),
        ("body.json", '{"headline": "B", "content": "<p>First paragraph of the piece.</p><p>Second one.</p>"}',
         {"title": "B", "text": "First paragraph of the piece.\nSecond one."}),
        ("utf16.txt", "date 2024-02-03\nsource: Gazette\n\nLe café a rouvert.".encode("utf-16"),
         {"text": "Le café a rouvert.", "outlet": "Gazette", "meta_date": date(2024, 2, 3)}),
    ],
)
def test_record_fields(name, data, expected):
    record = parse_bytes(name, data.encode("utf-8") if isinstance(data, str) else data).records[0]
    assert {key: record[key] for key in expected} == expected


def test_file_names_that_are_not_utf8_are_escaped(landing):
    (landing / os.fsdecode(b"caf\xe9.txt")).write_bytes(b"date 2024-01-01\nThe cafe reopened.")
    records = scan(landing)["records"]
    assert records.select("source_path", "text").rows() == [("caf\\xe9.txt", "The cafe reopened.")]


def test_deeply_nested_json_is_refused_but_good_lines_load():
    deep = b"[" * 100_000 + b"]" * 100_000
    assert parse_bytes("deep.json", deep).reason == (
        "The file is nested too deeply to parse (a possible attack), so it was not read.")
    lines = parse_bytes("deep.jsonl", b'{"text": "A good line."}\n' + deep + b"\n")
    assert [r["text"] for r in lines.records] == ["A good line."]
    assert lines.notes == ["1 malformed JSON line(s) skipped (line 2)."]


def test_listing_digest_changes_with_any_file_and_frame_keeps_refusals(tmp_path):
    import os

    (tmp_path / "a.txt").write_text("one")
    (tmp_path / "b.txt").write_text("two")
    os.symlink("/etc/hostname", tmp_path / "outside.txt")
    listing = scan_module.list_landing_files(tmp_path)
    digest = scan_module.listing_digest(listing)
    assert digest == scan_module.listing_digest(scan_module.list_landing_files(tmp_path))
    assert digest.startswith("3:")
    frame = scan_module.listing_frame(listing)
    assert frame["source_path"].to_list() == ["a.txt", "b.txt", "outside.txt"]
    assert frame["size"].to_list()[:2] == [3, 3] and frame["refusal"][2] == scan_module.OUTSIDE_FILE_LINK
    info = (tmp_path / "b.txt").stat()
    os.utime(tmp_path / "b.txt", ns=(info.st_atime_ns, info.st_mtime_ns + 1))  # touched, same bytes
    assert scan_module.listing_digest(scan_module.list_landing_files(tmp_path)) != digest
    (tmp_path / "a.txt").unlink()
    assert scan_module.listing_digest(scan_module.list_landing_files(tmp_path)).startswith("2:")


def test_ingest_rewrites_the_stored_listing_only_when_the_folder_changed(landing, resources):
    from warehouse import db

    (landing / "a.txt").write_text("date 2025-11-04\nBEIJING - Xi Jinping met Mikhail Mishustin on Tuesday.\n")
    listings = []
    for step in range(3):
        if step == 2:
            (landing / "b.txt").write_text("date 2025-11-05\nA second report.\n")
        result = dg.materialize([raw_articles], resources=resources)
        with db.read_connection(resources["warehouse"].file) as conn:
            listings.append((result.asset_materializations_for_node("raw_articles")[0].metadata["listing"].value,
                             conn.execute("SELECT source_path, size, listed_at FROM landing_listing ORDER BY 1").fetchall(),
                             db.built_from(conn, "landing_listing")))
    assert listings[0] == listings[1]  # nothing new: not written again
    assert listings[0][0] == listings[0][2] and listings[2][0] == listings[2][2]
    assert [row[0] for row in listings[2][1]] == ["a.txt", "b.txt"]
