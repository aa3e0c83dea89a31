"""An adversarial landing folder, generated: feeds (RSS 0.91/0.92/2.0, RDF, Atom 0.3/1.0) in every
text encoding Python's codecs can write the sample in, declared, undeclared and misdeclared,
with entities, CDATA, HTML-typed titles, headline-only items and sanitizer attacks; WARC and
ARC archives (revisit records, chunked and gzip-encoded responses, error responses, truncated
archives); HTML pages in ten scripts with legacy charsets; text files with headline lines.

    python -m benchmarks.hostile_corpus FOLDER    # writes the files and FOLDER/../manifest.json

`build(folder)` returns the manifest: for each file (path relative to the folder) the titles
its articles may carry (empty when unknown) and whether it must be rejected.
"""

from __future__ import annotations

import codecs
import encodings.aliases
import gzip
import io
import json
import sys
from pathlib import Path

from benchmarks.hostile_samples import HTML_SCRIPTS, SAMPLES

# Sanitizer attacks inside item content (each must leave no code or tag in a body).
ATTACKS = [
    "<script>function executeMe() { document.title = 'owned'; }</script>",
    "<img src=x onerror=\"alert(1)\">",
    "<iframe src=\"javascript:alert(2)\" width=\"0\"></iframe>",
    "<scr<script>ipt>alert(3)</scr</script>ipt>",
    "<svg onload=alert(4)><circle r=\"1\"/></svg>",
    "<a href=\"javascript:alert(5)\">a link</a>",
    "<style>body { display: none; }</style>",
    "<!--<script>alert(6)</script>-->",
    "<object data=\"evil.swf\"></object><embed src=\"evil.swf\">",
    "<math><mi xlink:href=\"javascript:alert(7)\">x</mi></math>",
]
# Codecs that are no document encoding (transport and escape formats).
NOT_DOCUMENT = {"idna", "punycode", "unicode_escape", "raw_unicode_escape", "undefined", "mbcs", "oem"}
# Legacy encodings that feeds in the wild use without declaring them.
UNDECLARED = [("ru", "koi8_r"), ("ja", "euc_jp"), ("ja", "shift_jis"), ("th", "tis_620"), ("he", "cp1255"),
              ("zh", "gb2312"), ("zh-hant", "big5"), ("ko", "euc_kr"), ("el", "iso8859_7"), ("ar", "cp1256"),
              ("ru", "cp1251"), ("tr", "cp1254"), ("de", "cp1252"), ("fr", "latin_1")]


def text_encodings() -> list[str]:
    names = []
    for name in sorted(set(encodings.aliases.aliases.values()) | {"utf_8", "utf_8_sig", "utf_16", "utf_32"}):
        if name in NOT_DOCUMENT:
            continue
        try:
            info = codecs.lookup(name)
        except LookupError:
            continue
        if info._is_text_encoding and info.name not in {codecs.lookup(n).name for n in names}:
            names.append(name)
    return names


def sample_for(encoding: str) -> str | None:
    """The sample with the most non-ASCII letters that `encoding` can write, else English."""
    best, best_score = None, -1
    for lang, (title, paragraphs) in SAMPLES.items():
        text = title + "".join(paragraphs)
        try:
            text.encode(encoding)
        except (UnicodeError, LookupError):
            continue
        score = sum(1 for ch in text if ord(ch) > 127)
        if score > best_score:
            best, best_score = lang, score
    return best


def esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def item_xml(kind: str, index: int, lang: str, attack: str | None = None, headline_only: bool = False) -> str:
    title, paragraphs = SAMPLES[lang]
    title = f"{title} {index}"
    link = f"https://news.example.org/{lang}/{index}"
    body = "".join(f"<p>{p}</p>" for p in paragraphs) + (attack or "")
    if kind == "atom10":
        content = "" if headline_only else f"<content type=\"html\">{esc(body)}</content>"
        return (f"<entry><title type=\"text\">{esc(title)}</title><link href=\"{link}\"/><id>{link}</id>"
                f"<updated>2024-03-0{1 + index % 8}T10:00:00Z</updated>{content}</entry>")
    if kind == "atom03":
        content = "" if headline_only else f"<content type=\"text/html\" mode=\"escaped\">{esc(body)}</content>"
        return (f"<entry><title>{esc(title)}</title><link rel=\"alternate\" href=\"{link}\"/><id>{link}</id>"
                f"<issued>2024-03-0{1 + index % 8}T10:00:00Z</issued><modified>2024-03-0{1 + index % 8}T10:00:00Z"
                f"</modified>{content}</entry>")
    if kind == "rdf":
        description = "" if headline_only else f"<description>{esc(body)}</description>"
        return (f"<item rdf:about=\"{link}\"><title>{esc(title)}</title><link>{link}</link>{description}"
                f"<dc:date>2024-03-0{1 + index % 8}</dc:date></item>")
    description = "" if headline_only else f"<description><![CDATA[{body}]]></description>"
    date = "" if kind == "rss091" else f"<pubDate>Fri, 0{1 + index % 8} Mar 2024 10:00:00 GMT</pubDate>"
    return f"<item><title>{esc(title)}</title><link>{link}</link>{description}{date}</item>"


def feed_xml(kind: str, items: list[str], channel: str = "Example News - world", declared: str | None = "utf-8") -> str:
    decl = f"<?xml version=\"1.0\" encoding=\"{declared}\"?>\n" if declared else "<?xml version=\"1.0\"?>\n"
    if kind == "atom10":
        return (decl + "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>" + esc(channel) + "</title>"
                "<id>urn:x</id><updated>2024-03-09T00:00:00Z</updated>" + "".join(items) + "</feed>")
    if kind == "atom03":
        return (decl + "<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\"><title>" + esc(channel) +
                "</title><modified>2024-03-09T00:00:00Z</modified>" + "".join(items) + "</feed>")
    if kind == "rdf":
        return (decl + "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
                "xmlns=\"http://purl.org/rss/1.0/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
                "<channel rdf:about=\"https://news.example.org/\"><title>" + esc(channel) + "</title>"
                "<link>https://news.example.org/</link><description>x</description></channel>"
                + "".join(items) + "</rdf:RDF>")
    version = {"rss091": "0.91", "rss092": "0.92", "rss20": "2.0"}[kind]
    return (decl + f"<rss version=\"{version}\"><channel><title>{esc(channel)}</title>"
            "<link>https://news.example.org/</link><description>x</description>" + "".join(items) + "</channel></rss>")


def html_page(lang: str, charset: str | None, extra_head: str = "", extra_body: str = "", title: str | None = None,
              site: str | None = None) -> str:
    head_title, paragraphs = SAMPLES[lang]
    title = title or head_title
    meta = f"<meta charset=\"{charset}\">" if charset else ""
    site_meta = f"<meta property=\"og:site_name\" content=\"{site}\">" if site else ""
    nav = "<nav><a href=\"/\">Home</a> <a href=\"/world\">World</a> <a href=\"/login\">Sign in</a></nav>"
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html lang=\"{lang}\"><head>{meta}<title>{title}</title>{site_meta}{extra_head}</head>"
            f"<body>{nav}<article><h1>{title}</h1>{body}{extra_body}</article>"
            "<footer>(c) Example Media</footer></body></html>")


def warc_bytes(records: list[tuple], gzip_records: bool = True) -> bytes:
    """A WARC of (kind, uri, status, headers, payload, date) records, written with warcio."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzip_records)
    for kind, uri, status, headers, payload, date in records:
        warc_headers = {"WARC-Date": date} if date else None
        if kind == "revisit":
            record = writer.create_revisit_record(uri, digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                                                  refers_to_uri=uri, refers_to_date="2024-03-01T00:00:00Z")
        else:
            http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
            record = writer.create_warc_record(uri, "response", payload=io.BytesIO(payload), http_headers=http,
                                               warc_headers_dict=warc_headers)
        writer.write_record(record)
    return buffer.getvalue()


def chunked(payload: bytes, size: int = 300) -> bytes:
    out = b""
    for start in range(0, len(payload), size):
        piece = payload[start:start + size]
        out += f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    return out + b"0\r\n\r\n"


def arc_bytes(pages: list[tuple[str, bytes]]) -> bytes:
    """An ARC (version 1) file: a file description record, then one record per page."""
    desc = b"1 0 Example Archive\nURL IP-address Archive-date Content-type Archive-length\n"
    out = b"filedesc://hostile.arc 0.0.0.0 20070615000000 text/plain " + str(len(desc)).encode() + b"\n" + desc + b"\n"
    for url, html in pages:
        http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html
        out += f"{url} 192.0.2.1 20070615120000 text/html {len(http)}\n".encode() + http + b"\n"
    return out


def build(folder: Path) -> dict[str, dict]:
    folder.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, dict] = {}

    def put(path: str, data: bytes, titles: list[str] | None = None, rejected: bool = False,
            body_starts: list[str] | None = None) -> None:
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        manifest[path] = {"titles": titles or [], "rejected": rejected, "body_starts": body_starts or []}

    # Feeds of every version, UTF-8, with every attack, a headline-only item and a section title.
    kinds = ["rss091", "rss092", "rss20", "rdf", "atom03", "atom10"]
    for kind in kinds:
        items = [item_xml(kind, i, lang, ATTACKS[i % len(ATTACKS)]) for i, lang in enumerate(SAMPLES)]
        items.append(item_xml(kind, 99, "en", headline_only=True))
        titles = [f"{SAMPLES[lang][0]} {i}" for i, lang in enumerate(SAMPLES)] + [f"{SAMPLES['en'][0]} 99"]
        put(f"feeds/versions/{kind}.xml", feed_xml(kind, items).encode("utf-8"), titles)
    for index, attack in enumerate(ATTACKS):
        put(f"feeds/attacks/attack{index}.rss",
            feed_xml("rss20", [item_xml("rss20", index, "en", attack)]).encode("utf-8"), [f"{SAMPLES['en'][0]} {index}"])
    # Atom titles of type html and entities in titles.
    atom_html = ("<entry><title type=\"html\">Example &lt;b&gt;Atom&lt;/b&gt; &amp;amp; friends</title>"
                 "<link href=\"https://example.org?p=123\"/><id>urn:1</id><updated>2024-03-02T00:00:00Z</updated>"
                 f"<summary>{esc(' '.join(SAMPLES['en'][1]))}</summary></entry>")
    put("feeds/titles/atom-html-title.atom", feed_xml("atom10", [atom_html], "Example News").encode(),
        ["Example Atom & friends"])
    rss_entities = ("<item><title>Caf&#233; owners &amp; the &#8220;quiet&#8221; street</title>"
                    "<link>https://example.org?p=7</link><description>&lt;p&gt;" + esc(SAMPLES['en'][1][0])
                    + "&lt;/p&gt;&lt;script&gt;function executeMe() { return 1; }&lt;/script&gt;</description></item>")
    put("feeds/titles/rss-entities.rss", feed_xml("rss20", [rss_entities], "Example News | business").encode(),
        ["Café owners & the \"quiet\" street"])
    # A feed of headlines only.
    put("feeds/headlines-only.rss", feed_xml("rss20", [item_xml("rss20", i, "en", headline_only=True)
                                                       for i in range(3)]).encode(),
        [f"{SAMPLES['en'][0]} {i}" for i in range(3)])
    # Every text encoding Python can write a sample in, declared.
    for encoding in text_encodings():
        lang = sample_for(encoding)
        if lang is None:
            continue
        xml = feed_xml("rss20", [item_xml("rss20", 1, lang)], declared=codecs.lookup(encoding).name)
        try:
            data = xml.encode(encoding)
        except UnicodeError:
            continue
        put(f"feeds/encodings/{encoding}.rss", data, [f"{SAMPLES[lang][0]} 1"])
    # Undeclared legacy encodings, and UTF-16 without a byte-order mark.
    for lang, encoding in UNDECLARED:
        xml = feed_xml("rss20", [item_xml("rss20", i, lang) for i in range(3)], declared=None)
        put(f"feeds/undeclared/{encoding}.rss", xml.encode(encoding), [f"{SAMPLES[lang][0]} {i}" for i in range(3)])
    for encoding in ("utf-16-le", "utf-16-be"):
        xml = feed_xml("atom10", [item_xml("atom10", 1, "ru")], declared="utf-16")
        put(f"feeds/undeclared/{encoding}-nobom.atom", xml.encode(encoding), [f"{SAMPLES['ru'][0]} 1"])
    # Misdeclared: a bogus name, a multi-byte claim over UTF-8 bytes, Latin-1 claimed for cp1252.
    put("feeds/misdeclared/bogus-name.rss", feed_xml("rss20", [item_xml("rss20", 1, "de")], declared="x-no-such-enc")
        .encode("utf-8"), [f"{SAMPLES['de'][0]} 1"])
    put("feeds/misdeclared/gb2312-but-utf8.rss", feed_xml("rss20", [item_xml("rss20", 1, "fr")], declared="gb2312")
        .encode("utf-8"), [f"{SAMPLES['fr'][0]} 1"])
    put("feeds/misdeclared/latin1-but-cp1252.rss", feed_xml("rss20", [
        "<item><title>Prices \u2013 up again</title><description>" + esc(SAMPLES['en'][1][0]) + " \u20ac5 more.</description></item>"
    ], declared="iso-8859-1").encode("cp1252"), ["Prices \u2013 up again"])
    # XML attacks: refused.
    put("feeds/attacks/billion-laughs.xml", (b"<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaa\">"
        b"<!ENTITY b \"&a;&a;&a;&a;\">]><rss version=\"2.0\"><channel><title>&b;</title><item><title>x</title>"
        b"<description>&b;</description></item></channel></rss>"), rejected=True)
    put("feeds/attacks/external-entity.xml", (b"<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM "
        b"\"file:///etc/passwd\">]><rss version=\"2.0\"><channel><item><title>x</title><description>&x;"
        b"</description></item></channel></rss>"), rejected=True)
    put("feeds/broken/truncated.rss", feed_xml("rss20", [item_xml("rss20", i, "en") for i in range(3)])
        .encode()[:900], [f"{SAMPLES['en'][0]} {i}" for i in range(3)])
    put("feeds/broken/not-a-feed.xml", b"<?xml version=\"1.0\"?><config><a>1</a></config>", rejected=True)

    # HTML pages in ten scripts, with and without a declared legacy charset.
    for lang, charset in HTML_SCRIPTS:
        title = SAMPLES[lang][0]
        put(f"pages/{lang}-declared.html", html_page(lang, charset).encode(charset), [title])
        put(f"pages/{lang}-undeclared.html", html_page(lang, None).encode(charset), [title])
    put("pages/traps/rdf-namespace-date.html", html_page("en", "utf-8", extra_head=(
        "<link rel=\"profile\" href=\"http://www.w3.org/2000/01/rdf-schema#\">"
        "<meta name=\"x\" content=\"http://www.w3.org/2000/01/rdf-schema#\">")).encode(), [SAMPLES["en"][0]])
    put("pages/traps/literal-iframe.html", html_page("en", "utf-8", extra_body=(
        "<p>&lt;iframe src=\"https://ads.example.net/slot\" width=\"300\"&gt;&lt;/iframe&gt;</p>"
        "<p>&lt;script&gt;function executeMe() { steal(); }&lt;/script&gt;</p>")).encode(), [SAMPLES["en"][0]])
    put("pages/traps/headline-as-site.html", html_page("en", "utf-8", site=SAMPLES["en"][0]).encode(),
        [SAMPLES["en"][0]])
    put("pages/traps/error-403.html", b"<html><head><title>403 - Forbidden</title></head><body><h1>Server Error</h1>"
        b"<p>HTTP Error 403. The request URL is forbidden.</p></body></html>", rejected=True)
    put("pages/traps/login.html", b"<html><head><title>Members area</title></head><body><h2>Please log in to "
        b"continue reading</h2><p>This article is for subscribers only.</p><form><input name=u> Username "
        b"<input name=p type=password> Password</form><p>Forgot your password?</p></body></html>", rejected=True)

    # Web archives.
    page = html_page("en", "utf-8").encode()
    ok = [("response", f"https://arch.example.com/{lang}", "200 OK", [("Content-Type", f"text/html; charset={cs}")],
           html_page(lang, cs).encode(cs), "2024-03-05T10:00:00Z") for lang, cs in HTML_SCRIPTS[:5]]
    titles = [SAMPLES[lang][0] for lang, _ in HTML_SCRIPTS[:5]]
    special = [
        ("revisit", "https://arch.example.com/en", None, None, None, None),
        ("response", "https://arch.example.com/chunked", "200 OK",
         [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")], chunked(html_page("de", "utf-8").encode()),
         "2024-03-05T10:00:00Z"),
        ("response", "https://arch.example.com/gz", "200 OK",
         [("Content-Type", "text/html"), ("Content-Encoding", "gzip")], gzip.compress(html_page("fr", "utf-8").encode()),
         "2024-03-05T10:00:00Z"),
        ("response", "https://arch.example.com/missing", "404 Not Found", [("Content-Type", "text/html")],
         b"<html><body><h1>Not Found</h1></body></html>", "2024-03-05T10:00:00Z"),
        ("response", "https://arch.example.com/forbidden", "200 OK", [("Content-Type", "text/html")],
         b"<html><head><title>Error</title></head><body><p>HTTP Error 403. The request URL is forbidden.</p>"
         b"</body></html>", "2024-03-05T10:00:00Z"),
        ("response", "https://arch.example.com/logo.png", "200 OK", [("Content-Type", "image/png")], b"\x89PNG....",
         "2024-03-05T10:00:00Z"),
        ("response", "https://arch.example.com/old", "200 OK", [("Content-Type", "text/html")],
         html_page("tr", "utf-8", extra_head="<script>var wbCalendar = '1996'; function tb() { return 1996; }</script>"
                   "<meta name=\"date\" content=\"1996\">").encode(), "2007-06-15T12:00:00Z"),
    ]
    all_titles = titles + [SAMPLES["de"][0], SAMPLES["fr"][0], SAMPLES["tr"][0]]
    put("archives/crawl.warc.gz", warc_bytes(ok + special), all_titles)
    put("archives/plain.warc", warc_bytes(ok, gzip_records=False), titles)
    whole = warc_bytes(ok + special, gzip_records=False)
    put("archives/truncated.warc", whole[: int(len(whole) * 0.6)], all_titles)
    put("archives/truncated-early.warc.gz", warc_bytes(ok, gzip_records=True)[:200], rejected=True)
    put("archives/capture.arc", arc_bytes([("http://old.example.com/a", html_page("en", "utf-8").encode()),
                                           ("http://old.example.com/b", html_page("ru", "utf-8").encode())]),
        [SAMPLES["en"][0], SAMPLES["ru"][0]])
    put("archives/capture-truncated.arc.gz", gzip.compress(arc_bytes([("http://old.example.com/c", page)]))[:-30],
        rejected=True)

    # Text files: a leading headline line; a headline glued in nothing.
    put("texts/headline.txt", ("Bundestag billigt höheren Verteidigungshaushalt\n"
                               "BERLIN — Der Bundestag hat am Donnerstag einen höheren Verteidigungshaushalt "
                               "beschlossen. Die Abgeordneten stimmten nach langer Debatte mit deutlicher Mehrheit "
                               "zu, die Opposition kritisierte die Pläne als zu teuer.\n").encode(),
        ["Bundestag billigt höheren Verteidigungshaushalt"], body_starts=["Bundestag billigt höheren"])
    put("texts/cjk.txt", ("\n".join(SAMPLES["zh"][1])).encode("gb18030"), [])
    put("texts/thai.md", ("# " + SAMPLES["th"][0] + "\n\n" + "\n\n".join(SAMPLES["th"][1])).encode("utf-8"),
        [SAMPLES["th"][0]])
    return manifest


def main(argv: list[str]) -> int:
    folder = Path(argv[1] if len(argv) > 1 else "/tmp/hostile-corpus/landing")
    manifest = build(folder)
    (folder.parent / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(manifest)} files written under {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
