"""Turning raw bytes into text without trusting what they claim to be.

Gzip members are decompressed in bounded chunks (a small file that expands to gigabytes is
refused, never held in memory), encodings are detected rather than assumed (byte-order marks,
UTF-16 without a mark, UTF-8, then charset-normalizer for cp1252/Latin-1 and friends), and
mojibake left by an earlier wrong decoding is repaired with ftfy.
"""

from __future__ import annotations

import codecs
import io
import re
import zlib

import charset_normalizer
import ftfy

# The largest text a single landing file may expand to once decompressed. Larger inputs are
# refused with a reason instead of being expanded into memory.
MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024
_CHUNK = 1024 * 1024

# ftfy repairs mojibake here, but leaves typography (curly quotes, widths, ligatures) to the
# cleaning stage: the raw text stays as delivered apart from undoing broken decodings.
_REPAIR = ftfy.TextFixerConfig(
    unescape_html=False,
    uncurl_quotes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    normalization=None,
    explain=False,
)

_BINARY_MAGIC = {
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (or an Office document)",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x7fELF": "an executable program",
    b"MZ": "a Windows executable",
    b"BZh": "a bzip2 archive",
    b"\xfd7zXZ": "an xz archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
    b"Rar!": "a RAR archive",
    b"\x28\xb5\x2f\xfd": "a zstd archive",
    b"SQLite format 3": "an SQLite database",
    b"OggS": "an Ogg audio file",
    b"ID3": "an MP3 audio file",
}


def describe_size(n: int) -> str:
    """A byte count as a person reads it ("64 MiB", "200 KiB")."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):g} MiB"
    if n >= 1024:
        return f"{n / 1024:g} KiB"
    return f"{n} bytes"


class UnreadableInput(ValueError):
    """Raised with a sentence a person understands when a file cannot be turned into text."""


def is_gzip(data: bytes) -> bool:
    return data[:2] == b"\x1f\x8b"


def gunzip_bounded(data: bytes, limit: int | None = None) -> bytes:
    """Decompress every gzip member of `data`, refusing output beyond `limit` bytes."""
    limit = MAX_DECOMPRESSED_BYTES if limit is None else limit
    out = io.BytesIO()
    rest = data
    while rest:
        decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            pending = rest
            while pending:
                chunk = decomp.decompress(pending, _CHUNK)
                out.write(chunk)
                if out.tell() > limit:
                    raise UnreadableInput(
                        f"The gzip file expands to more than {describe_size(limit)} "
                        "(a possible decompression bomb), so it was not unpacked."
                    )
                pending = decomp.unconsumed_tail
                if decomp.eof:
                    break
            tail = decomp.flush(_CHUNK)
            out.write(tail)
            if out.tell() > limit:
                raise UnreadableInput(
                    f"The gzip file expands to more than {describe_size(limit)} "
                    "(a possible decompression bomb), so it was not unpacked."
                )
        except zlib.error as exc:
            raise UnreadableInput(f"The gzip file is corrupt and cannot be unpacked ({exc}).") from None
        if not decomp.eof:
            raise UnreadableInput("The gzip file is truncated: it ends before its compressed data does.")
        rest = decomp.unused_data.lstrip(b"\x00")  # padding between members is allowed
        if rest and not is_gzip(rest):
            break  # trailing garbage after a complete member: keep what was decoded, like gzip(1)
    return out.getvalue()


def binary_kind(data: bytes) -> str | None:
    """What a binary file is, from its first bytes, or None when it looks like text."""
    for magic, kind in _BINARY_MAGIC.items():
        if data.startswith(magic):
            return kind
    return None


def _looks_utf16(data: bytes) -> str | None:
    # UTF-16 without a byte-order mark: ASCII-range text has a NUL in every other byte.
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0) / max(len(sample[0::2]), 1)
    odd = sample[1::2].count(0) / max(len(sample[1::2]), 1)
    if odd > 0.4 and even < 0.05:
        return "utf-16-le"
    if even > 0.4 and odd < 0.05:
        return "utf-16-be"
    return None


def _looks_utf32(data: bytes) -> str | None:
    # UTF-32 without a byte-order mark: three NULs in every four bytes of ASCII-range text.
    sample = data[: 4000 - 4000 % 4]
    if len(sample) < 8:
        return None
    lanes = [sample[i::4].count(0) / len(sample[i::4]) for i in range(4)]
    # The top byte of a code point is always NUL, the next one nearly always (outside emoji).
    if lanes[3] > 0.95 and lanes[2] > 0.9 and lanes[0] < 0.2:
        return "utf-32-le"
    if lanes[0] > 0.95 and lanes[1] > 0.9 and lanes[3] < 0.2:
        return "utf-32-be"
    return None


# Seven-bit encodings whose bytes also read as ASCII (and so as UTF-8): believed when declared.
_SEVEN_BIT = ("utf-7", "hz", "iso2022")


# The encodings of documents on the web (not DOS or Mac code pages): the only ones that may
# overrule charset-normalizer's first choice on the strength of a more coherent language.
_WEB_ENCODINGS = ("cp125", "iso8859", "koi8", "gb", "big5", "euc", "shift_jis", "cp932", "cp949", "cp950",
                  "tis_620", "cp874", "utf")


def _detect(data: bytes) -> str:
    """charset-normalizer's choice, judged on the text between tags (markup says nothing of the
    encoding); among the candidates about as clean as the best, the most coherent language wins
    (Turkish cp1254 over the Nordic iso8859-10 that reads it with two wrong letters)."""
    sample = data[: 4 * 1024 * 1024]
    if sample.lstrip()[:1] == b"<":
        sample = re.sub(rb"<[^<>]{0,2000}>", b" ", sample)
    results = list(charset_normalizer.from_bytes(sample))
    if not results:
        return "cp1252"
    best = results[0]
    close = [m for m in results if m.chaos <= best.chaos + 0.025 and m.coherence >= best.coherence + 0.05
             and m.encoding.startswith(_WEB_ENCODINGS)]
    return max(close, key=lambda m: (m.coherence, -m.chaos)).encoding if close else best.encoding


def _declared_name(declared: str | None) -> str | None:
    if not declared:
        return None
    try:
        return codecs.lookup(declared.strip()).name
    except (LookupError, ValueError):
        return None  # a bogus name is no information


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode `data` to text, returning (text, encoding name); raises UnreadableInput.

    `declared` is the encoding the file names for itself (an XML or HTML charset): tried after
    byte-order marks, UTF-16 and UTF-8 (which bytes confirm or refute on their own), and used only
    when the bytes decode under it; a bogus or unknown name is ignored."""
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return _finish(data.decode(encoding)), encoding
            except UnicodeDecodeError:
                break
    declared_name = _declared_name(declared)
    if declared_name and declared_name.startswith(_SEVEN_BIT):
        try:
            return _finish(data.decode(declared_name), declared_name), declared_name
        except (UnicodeDecodeError, LookupError):
            pass
    utf32 = _looks_utf32(data)
    if utf32:
        try:
            return _finish(data.decode(utf32)), utf32
        except UnicodeDecodeError:
            pass
    utf16 = _looks_utf16(data)
    if utf16:
        try:
            return _finish(data.decode(utf16)), utf16
        except UnicodeDecodeError:
            pass
    kind = binary_kind(data)
    if kind:
        raise UnreadableInput(f"This is {kind}, not text, so it holds no article to read.")
    if data.count(0) > max(8, len(data) // 100):
        raise UnreadableInput("This looks like a binary file (it is full of NUL bytes), not text.")
    try:
        return _finish(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    name = declared_name
    # A declared UTF-16/32 was caught above when true; a single-byte or legacy multi-byte
    # encoding is believed when every byte decodes under it (Latin-1 is read as cp1252, as
    # browsers do: its C1 range is unused in text, cp1252's quotes and dashes are not).
    if name in ("latin-1", "iso8859-1"):
        name = "cp1252"
    if name and not name.startswith(("utf-16", "utf-32", "utf-8")):
        try:
            return _finish(data.decode(name)), name
        except (UnicodeDecodeError, LookupError):
            pass
    encoding = _detect(data)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        text = data.decode("latin-1")  # every byte sequence is valid Latin-1
        encoding = "latin-1"
    return _finish(text), encoding


def _finish(text: str, encoding: str = "") -> str:
    # Stray NULs (a few, in otherwise readable text) carry nothing and upset later tools.
    text = text.replace("\x00", "")
    if encoding.startswith("iso2022"):
        text = text.replace("\x1b", "")  # escape sequences left by a stateful decoder, if any
    control = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if control > max(8, len(text[:20000]) // 50):
        raise UnreadableInput("This looks like a binary file (it is full of control characters), not text.")
    return ftfy.fix_text(text, _REPAIR)


# Scripts written without spaces between words: every character counts as a word (a Chinese
# word is one to two characters, a Thai syllable about three), so thresholds set in words keep
# their meaning for short and long texts in those scripts alike.
_UNSPACED = re.compile(
    "[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
    "\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff]"
)
_SPACED_WORD = re.compile(r"\w+")


def count_words(text: str | None, spaced: re.Pattern | None = None) -> int:
    """Words of `text`, script-aware: whitespace-separated tokens (or matches of `spaced`) in
    spaced scripts, plus one per character in scripts written without spaces (Chinese,
    Japanese, Thai, Lao, Khmer, Burmese)."""
    if not text:
        return 0
    unspaced = len(_UNSPACED.findall(text))
    rest = _UNSPACED.sub(" ", text) if unspaced else text
    if spaced is not None:
        return unspaced + len(spaced.findall(rest))
    if not unspaced:
        return len(rest.split())
    # Left-over punctuation of the unspaced script ("，", "。") is no word.
    return unspaced + sum(1 for token in rest.split() if _SPACED_WORD.search(token))


def unspaced_share(text: str | None) -> float:
    """Share of the letters of `text` that belong to scripts written without spaces."""
    letters = sum(1 for ch in (text or "")[:20000] if ch.isalpha())
    return len(_UNSPACED.findall((text or "")[:20000])) / letters if letters else 0.0
