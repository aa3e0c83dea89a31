"""Runs the real pipeline on the generated hostile corpus (benchmarks/hostile_corpus.py) in a
temporary folder and prints what a new user would check first: files, articles, rejected,
unaccounted (must be 0), empty bodies (0), mojibake and markup in titles and bodies (0), and
the run's exit status. Reads only the public tables `articles`, `rejected_files` and
`landing_files`.

    .venv/bin/python -m benchmarks.bench_hostile [--keep DIR] [--show N]

Mojibake: U+FFFD, C1 control characters, what ftfy calls bad text, a title that is not one of
the titles the file was written with, or a body that holds none of the texts it was written
with. Markup: a tag of an HTML element, an entity, or script code left in a title or body.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

import duckdb
import ftfy

from benchmarks.hostile_corpus import build
from benchmarks.hostile_samples import SAMPLES

ROOT = Path(__file__).resolve().parent.parent
_MARKUP = re.compile(
    r"</?(?:script|iframe|style|img|svg|object|embed|math|a|b|i|p|div|span|br|mi|circle)\b[^>]*>|"
    r"&(?:amp|lt|gt|quot|apos|nbsp|#\d+|#x[0-9a-f]+);|function\s+\w*\s*\(|alert\s*\(|javascript:|onerror=|onload=",
    re.I,
)


def fold(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def mojibake(text: str | None) -> bool:
    text = text or ""
    return "\ufffd" in text or bool(re.search("[\x80-\x9f]", text)) or ftfy.badness.is_bad(text)


def known_texts(manifest: dict) -> list[str]:
    starts = [fold(p)[:20] for _, paragraphs in SAMPLES.values() for p in paragraphs]
    for entry in manifest.values():
        starts += [fold(s)[:20] for s in entry.get("body_starts", [])]
    return starts


def run_pipeline(work: Path) -> tuple[int, str]:
    env = dict(os.environ,
               MEDIA_MONITOR_LANDING=str(work / "landing"),
               MEDIA_MONITOR_WAREHOUSE=str(work / "warehouse.duckdb"),
               DAGSTER_HOME=str(work / "dagster_home"),
               MEDIA_MONITOR_LOG_LEVEL="WARNING")
    (work / "dagster_home").mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([sys.executable, "-m", "pipelines.run"], cwd=ROOT, env=env, capture_output=True, text=True)
    (work / "run.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    return proc.returncode, proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr[-300:]


def measure(work: Path, manifest: dict, show: int) -> dict:
    with duckdb.connect(str(work / "warehouse.duckdb"), read_only=True) as conn:
        articles = conn.execute("SELECT source_path, record_index, title, body FROM articles").fetchall()
        rejected = dict(conn.execute("SELECT source_path, reason FROM rejected_files").fetchall())
        ledger = {row[0] for row in conn.execute("SELECT source_path FROM landing_files").fetchall()}
    with_articles = {row[0] for row in articles}
    starts = known_texts(manifest)
    problems: dict[str, list[str]] = {k: [] for k in
                                      ("unaccounted", "empty", "title_mojibake", "body_mojibake", "title_markup",
                                       "body_markup", "wrongly_rejected", "wrongly_loaded")}
    for path, entry in manifest.items():
        if path not in with_articles and path not in rejected:
            problems["unaccounted"].append(path)
        if entry["rejected"] and path in with_articles:
            problems["wrongly_loaded"].append(path)
        if not entry["rejected"] and path in rejected:
            problems["wrongly_rejected"].append(f"{path}: {rejected[path]}")
    for path, index, title, body in articles:
        where = f"{path}#{index}"
        titles = [fold(t) for t in manifest.get(path, {}).get("titles", [])]
        if not (body or "").strip():
            problems["empty"].append(where)
        if mojibake(title) or (title and titles and fold(title) not in titles):
            problems["title_mojibake"].append(f"{where}: {title!r}")
        folded = fold(body)
        if mojibake(body) or not (any(s in folded for s in starts) or folded == fold(title)):
            problems["body_mojibake"].append(f"{where}: {(body or '')[:80]!r}")
        if title and _MARKUP.search(title):
            problems["title_markup"].append(f"{where}: {title!r}")
        if body and _MARKUP.search(body):
            problems["body_markup"].append(f"{where}: {_MARKUP.search(body).group(0)!r}")
    return {"files": len(manifest), "ledger": len(ledger), "articles": len(articles), "rejected": len(rejected),
            "problems": problems, "show": show}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", help="work in this folder (kept) instead of a temporary one")
    parser.add_argument("--show", type=int, default=5, help="examples shown per problem")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        work = Path(args.keep) if args.keep else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        manifest = build(work / "landing")
        (work / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        status, last = run_pipeline(work)
        print(f"run exit status: {status} ({last})")
        if not (work / "warehouse.duckdb").exists():
            print("no warehouse written")
            return 1
        result = measure(work, manifest, args.show)
    p = result["problems"]
    print(f"files: {result['files']} (in landing_files: {result['ledger']})")
    print(f"articles: {result['articles']}")
    print(f"rejected: {result['rejected']}")
    print(f"unaccounted: {len(p['unaccounted'])}")
    print(f"empty bodies: {len(p['empty'])}")
    print(f"mojibake: titles {len(p['title_mojibake'])}, bodies {len(p['body_mojibake'])}")
    print(f"markup: titles {len(p['title_markup'])}, bodies {len(p['body_markup'])}")
    print(f"expected rejections loaded: {len(p['wrongly_loaded'])}; expected articles rejected: "
          f"{len(p['wrongly_rejected'])}")
    for name, items in p.items():
        for item in items[: args.show]:
            print(f"  {name}: {item}")
    bad = status != 0 or any(p[k] for k in ("unaccounted", "empty", "title_mojibake", "body_mojibake",
                                              "title_markup", "body_markup"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
