"""Walking the landing folder, deciding which files need reading, and reading them safely.

Files whose size and modification time match the ledger (`landing_files`) are skipped without
being opened, so a run over ten new files never re-reads ten thousand old ones. The others are
hashed: the same bytes as the ledger under a new modification time are "unchanged"; anything
else is parsed into article records or rejected with a reason a person understands. Nothing
outside the landing folder is ever read: symbolic links that lead out of it are refused, and
files above `MAX_FILE_BYTES` are refused before being read.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Any

import polars as pl

from assets.ingest.feeds import parse_feed
from assets.ingest.formats import (
    FEED_EXTENSIONS,
    HTML_EXTENSIONS,
    JSON_EXTENSIONS,
    RECORD_FIELDS,
    TEXT_EXTENSIONS,
    WARC_EXTENSIONS,
    parse_json,
    parse_text,
    sniff_format,
)
from assets.ingest.html import html_to_text, parse_html
from assets.ingest.markup import plain_title
from assets.ingest.outlets import normalise_outlet
from assets.ingest.screens import screen_reason
from assets.ingest.textio import (
    MAX_DECOMPRESSED_BYTES,
    UnreadableInput,
    binary_kind,
    describe_size,
    gunzip_bounded,
    is_gzip,
)
from assets.ingest.warc import parse_warc

# The largest landing file that is read at all; larger files are refused with a reason.
MAX_FILE_BYTES = 64 * 1024 * 1024

RECORD_SCHEMA = {
    "source_path": pl.String,
    "record_index": pl.Int32,
    "file_hash": pl.String,
    "format": pl.String,
    "text": pl.String,
    "title": pl.String,
    "url": pl.String,
    "outlet": pl.String,
    "author": pl.String,
    "language": pl.String,
    "meta_date": pl.Date,
    "meta_date_source": pl.String,
    "file_mtime_date": pl.Date,
}
REJECTED_SCHEMA = {"source_path": pl.String, "reason": pl.String, "file_hash": pl.String}
FILES_SCHEMA = {
    "source_path": pl.String,
    "size": pl.Int64,
    "mtime_ns": pl.Int64,
    "file_hash": pl.String,
    "status": pl.String,
    "articles": pl.Int32,
}
LEDGER_SCHEMA = {"source_path": pl.String, "size": pl.Int64, "mtime_ns": pl.Int64, "file_hash": pl.String}

OUTSIDE_FOLDER_LINK = (
    "This is a symbolic link to a folder outside the landing folder; nothing outside the landing folder is read."
)
OUTSIDE_FILE_LINK = (
    "This is a symbolic link to a file outside the landing folder; nothing outside the landing folder is read."
)
BROKEN_LINK = "This is a broken symbolic link; it leads to no file."

_EXTENSIONS = {**TEXT_EXTENSIONS, **HTML_EXTENSIONS, **JSON_EXTENSIONS, **FEED_EXTENSIONS, **WARC_EXTENSIONS}


@dataclass
class ParsedFile:
    """What one landing file turned into: records, or a reason it was rejected."""

    format: str | None = None
    records: list[dict[str, Any]] = field(default_factory=list)
    reason: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class LandingFile:
    source_path: str  # posix, relative to the landing root
    path: Path  # where the bytes are read from (the target of an allowed symlink)
    size: int
    mtime_ns: int
    refusal: str | None = None  # set when the file must not be read at all


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


def _displayed(rel: str) -> str:
    # A file name that is not valid UTF-8 cannot be stored as text; its undecodable bytes are
    # written as \xNN escapes, which keeps the name unique and the same on every run.
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def list_landing_files(root: Path) -> list[LandingFile]:
    """Every file under `root` (recursively, sorted), with symlinks leading outside refused."""
    root = root.resolve()
    found: list[LandingFile] = []
    if not root.is_dir():
        return found
    base = str(root)
    cut = len(base.rstrip("/")) + 1
    for folder, dirnames, filenames in os.walk(root, followlinks=False):
        folder_path = Path(folder)
        # The folder's path relative to the root, as a prefix: Path.relative_to per file cost
        # more than the walk itself (os.walk joins the root and the subfolder names, so the
        # root's string starts every folder's).
        prefix = folder[cut:] + "/" if folder != base else ""
        dirnames.sort()
        names = sorted(filenames)
        for name in list(dirnames):
            # os.walk does not descend into linked folders; a link to a folder is reported as
            # a refused entry when it leads outside (its files are never read), skipped otherwise.
            candidate = folder_path / name
            if candidate.is_symlink():
                dirnames.remove(name)
                target = candidate.resolve()
                if not _inside(target, root):
                    found.append(LandingFile(_displayed(prefix + name), candidate, 0, 0, OUTSIDE_FOLDER_LINK))
        for name in names:
            candidate = folder_path / name
            rel = _displayed(prefix + name)
            try:
                info = candidate.lstat()
            except OSError as exc:
                found.append(LandingFile(rel, candidate, 0, 0, f"The file could not be examined ({exc.strerror})."))
                continue
            target = candidate
            if stat.S_ISLNK(info.st_mode):
                target = candidate.resolve()
                if not _inside(target, root):
                    found.append(LandingFile(rel, candidate, 0, info.st_mtime_ns, OUTSIDE_FILE_LINK))
                    continue
                try:
                    info = target.stat()
                except OSError:
                    found.append(LandingFile(rel, candidate, 0, 0, BROKEN_LINK))
                    continue
            if not stat.S_ISREG(info.st_mode):
                found.append(LandingFile(rel, candidate, 0, info.st_mtime_ns,
                                         "This is not a regular file (a pipe, socket or device), so it was not read."))
                continue
            found.append(LandingFile(rel, target, info.st_size, info.st_mtime_ns))
    return found


LISTING_SCHEMA = {"source_path": pl.String, "size": pl.Int64, "mtime_ns": pl.Int64, "refusal": pl.String}


def listing_frame(listing: list[LandingFile]) -> pl.DataFrame:
    """A listing as rows of `landing_listing` (without listed_at)."""
    return pl.DataFrame([(f.source_path, f.size, f.mtime_ns, f.refusal) for f in listing], schema=LISTING_SCHEMA,
                        orient="row")


def listing_digest(listing: list[LandingFile]) -> str:
    """A digest of a listing: its files' paths, sizes, modification times and refusals, in the
    listing's (sorted) order; equal listings, equal digests."""
    digest = hashlib.sha256()
    for f in listing:
        digest.update(repr((f.source_path, f.size, f.mtime_ns, f.refusal)).encode("utf-8", "surrogateescape"))
    return f"{len(listing)}:{digest.hexdigest()}"


def too_large(limit: int) -> str:
    return f"The file is larger than {describe_size(limit)}, the most a landing file may hold."


def read_bounded(path: Path, limit: int | None = None) -> bytes:
    """The bytes of `path`, refusing files above `limit` (MAX_FILE_BYTES) without reading them whole."""
    limit = MAX_FILE_BYTES if limit is None else limit
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise UnreadableInput(too_large(limit))
    return data


def article_id(source_path: str, record_index: int) -> str:
    """The stable id of the `record_index`-th article of landing file `source_path`."""
    return hashlib.sha1(f"{source_path}\x1f{record_index}".encode("utf-8")).hexdigest()[:16]


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def detect_format(name: str, data: bytes) -> str | None:
    """The format of a (decompressed) file from its name, or its first bytes when the name says nothing."""
    suffix = PurePosixPath(name).suffix.lower()
    fmt = _EXTENSIONS.get(suffix)
    sniffed = sniff_format(data)
    if fmt == "feed":
        return sniffed if sniffed in ("rss", "atom") else "xml"
    if fmt in ("txt", "md") and sniffed in ("html", "rss", "atom", "warc"):
        return sniffed  # a saved page named .txt is still a page
    if fmt is None:
        if sniffed in ("rss", "atom", "html", "json", "warc"):
            return sniffed
        # No extension (or a numeric one, as in wire ids like "APW19981017.0151"): plain text.
        if (suffix == "" or suffix[1:].isdigit()) and sniffed is None and not binary_kind(data):
            return "txt"
    return fmt


def parse_bytes(name: str, data: bytes) -> ParsedFile:
    """Parse the raw bytes of landing file `name` (posix name, used for its extension)."""
    result = ParsedFile()
    try:
        if not data.strip():
            raise UnreadableInput("The file is empty or holds only whitespace.")
        inner_name = name
        if is_gzip(data) or name.lower().endswith(".gz"):
            if not is_gzip(data):
                raise UnreadableInput("The file is named .gz but is not gzip-compressed data.")
            data = gunzip_bounded(data, MAX_DECOMPRESSED_BYTES)
            inner_name = name[:-3] if name.lower().endswith(".gz") else name
            if not data.strip():
                raise UnreadableInput("The gzip file unpacks to nothing but whitespace.")
        fmt = detect_format(inner_name, data)
        if fmt is None:
            kind = binary_kind(data)
            suffix = PurePosixPath(inner_name).suffix or "(none)"
            raise UnreadableInput(
                f"This is {kind}, which holds no article this pipeline can read." if kind else
                f"Files of type {suffix} are not a format this pipeline reads (text, Markdown, HTML, JSON, "
                "JSON Lines, RSS, Atom, WARC)."
            )
        result.format = fmt
        if fmt in ("txt", "md"):
            result.records = parse_text(data, fmt)
        elif fmt == "html":
            result.records = parse_html(data, fmt)
        elif fmt in ("json", "jsonl"):
            result.records, result.notes = parse_json(data, fmt, html_to_text)
        elif fmt in ("rss", "atom", "xml"):
            result.records, result.format, result.notes = parse_feed(data, fmt)
        elif fmt == "warc":
            result.records, result.notes = parse_warc(data, fmt)
        screen_records(result)
    except UnreadableInput as exc:
        result.reason = str(exc)
        result.records = []
    except RecursionError:
        result.reason = "The file is nested too deeply to parse (a possible attack), so it was not read."
        result.records = []
    except MemoryError:
        result.reason = "The file needs more memory to parse than this machine gives one file, so it was not read."
        result.records = []
    except Exception as exc:  # noqa: BLE001 - whatever a parser raises, one file never fails a run
        detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        result.reason = (f"The file could not be parsed as {result.format or 'any known format'} "
                         f"({type(exc).__name__}{': ' + detail if detail else ''}).")
        result.records = []
    return result


def screen_records(result: ParsedFile) -> None:
    """Drop records that are error pages, login prompts or bot checks (see `screens`), with a
    note; when every record is one, the file is rejected with the reason."""
    kept, reasons = [], []
    for record in result.records:
        result.notes.extend(record.pop("notes", None) or [])
        reason = screen_reason(plain_title(record.get("title")), record.get("text"))
        if reason:
            reasons.append(reason)
        else:
            kept.append(record)
    if reasons and not kept:
        raise UnreadableInput(reasons[0] if len(reasons) == 1 else f"All {len(reasons)} records are error pages "
                              f"or login prompts, not articles; the first: {reasons[0]}")
    if reasons:
        result.notes.append(f"{len(reasons)} record(s) skipped as error pages or login prompts ({reasons[0]})")
    result.records = kept


def outlet_fallback(record: dict[str, Any], source_path: str) -> str | None:
    """The outlet a record names (a url or host name as its registered domain; never its
    headline), else its url's registered domain, else the landing subfolder it sits in."""
    return normalise_outlet(record.get("outlet"), record.get("url"), record.get("title"), source_path)


def pending_files(listing: list[LandingFile], ledger: pl.DataFrame) -> list[LandingFile]:
    """The files of `listing` whose size or modification time differ from the ledger's (or that
    it does not list): the only ones a run opens."""
    known = {path: (size, mtime) for path, size, mtime in ledger.select("source_path", "size", "mtime_ns").iter_rows()}
    return [item for item in listing if known.get(item.source_path) != (item.size, item.mtime_ns)]


def file_chunks(files: list[LandingFile], max_files: int, max_bytes: int) -> list[list[LandingFile]]:
    """`files` in order, cut into chunks of at most `max_files` files and about `max_bytes`
    bytes (a file larger than that is a chunk of its own), so a chunk's records fit in memory."""
    chunks: list[list[LandingFile]] = []
    current: list[LandingFile] = []
    size = 0
    for item in files:
        if current and (len(current) >= max_files or size + item.size > max_bytes):
            chunks.append(current)
            current, size = [], 0
        current.append(item)
        size += item.size
    if current:
        chunks.append(current)
    return chunks


def _mtime_date(mtime_ns: int) -> date:
    return datetime.fromtimestamp(mtime_ns / 1e9, tz=timezone.utc).date()


def scan_landing(root: Path, ledger: pl.DataFrame, log: Any = None,
                 listing: list[LandingFile] | None = None) -> dict[str, Any]:
    """Frames `records`, `rejected` and `files` for the landing files the ledger does not hold yet
    (of `listing`, by default the whole folder), plus counts and notes for the asset's metadata."""
    known = {
        row["source_path"]: row
        for row in ledger.select([c for c in ledger.columns if c in (*LEDGER_SCHEMA, "articles")]).iter_rows(named=True)
    }
    records: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    files: list[dict[str, Any]] = []
    notes: dict[str, list[str]] = {}
    counts = {"new": 0, "changed": 0, "unchanged": 0, "skipped": 0, "rejected": 0}
    for item in list_landing_files(root) if listing is None else listing:
        previous = known.get(item.source_path)
        if previous is not None and previous["size"] == item.size and previous["mtime_ns"] == item.mtime_ns:
            counts["skipped"] += 1
            continue
        file_hash = None
        parsed: ParsedFile
        if item.refusal:
            parsed = ParsedFile(reason=item.refusal)
        elif item.size > MAX_FILE_BYTES:
            # Refused from its size alone: a huge file is never opened, let alone hashed.
            parsed = ParsedFile(reason=too_large(MAX_FILE_BYTES))
        else:
            try:
                data = read_bounded(item.path)
                file_hash = sha256_hex(data)
            except UnreadableInput as exc:
                parsed = ParsedFile(reason=str(exc))
            except OSError as exc:
                parsed = ParsedFile(reason=f"The file could not be read ({exc.strerror or exc}).")
            else:
                if previous is not None and previous["file_hash"] == file_hash:
                    counts["unchanged"] += 1
                    files.append(dict(source_path=item.source_path, size=item.size, mtime_ns=item.mtime_ns,
                                      file_hash=file_hash, status="unchanged", articles=previous.get("articles") or 0))
                    continue
                try:
                    parsed = parse_bytes(item.source_path, data)
                except Exception as exc:  # noqa: BLE001 - parse_bytes catches all; this is the last guard
                    parsed = ParsedFile(reason=f"The file could not be parsed ({type(exc).__name__}).")
        counts["changed" if previous is not None else "new"] += 1
        if parsed.notes:
            notes[item.source_path] = parsed.notes
        if parsed.reason or not parsed.records:
            counts["rejected"] += 1
            reason = parsed.reason or "The file holds no article text."
            rejected.append(dict(source_path=item.source_path, reason=reason, file_hash=file_hash))
            files.append(dict(source_path=item.source_path, size=item.size, mtime_ns=item.mtime_ns,
                              file_hash=file_hash, status="rejected", articles=0))
            if log:
                log.info(f"rejected {item.source_path}: {reason}")
            continue
        mtime_date = _mtime_date(item.mtime_ns)
        for index, record in enumerate(parsed.records):
            row = {key: record.get(key) for key in RECORD_FIELDS}
            row["outlet"] = outlet_fallback(record, item.source_path)
            row.update(source_path=item.source_path, record_index=index, file_hash=file_hash,
                       format=parsed.format, file_mtime_date=mtime_date)
            for key in ("title", "url", "author", "language"):
                if row[key] is not None:
                    row[key] = str(row[key]).strip() or None
            row["title"] = plain_title(row["title"])
            records.append(row)
        files.append(dict(source_path=item.source_path, size=item.size, mtime_ns=item.mtime_ns,
                          file_hash=file_hash, status="loaded", articles=len(parsed.records)))
    return {
        "records": pl.DataFrame(records, schema=RECORD_SCHEMA),
        "rejected": pl.DataFrame(rejected, schema=REJECTED_SCHEMA),
        "files": pl.DataFrame(files, schema=FILES_SCHEMA),
        "counts": counts,
        "notes": notes,
    }
