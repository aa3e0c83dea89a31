"""Where the actors step misses, against the actors-dev gold of ../shared/eval, and a split-half
check of the figures.

    .venv/bin/python -m benchmarks.diagnose_actors diagnose WAREHOUSE [GOLD]
        every gold entity of an article that no actor of that article matches (with where its
        surface occurs in the body: the recogniser's spans and the actors step's local mentions
        there), every actor of an article that matches nothing of the gold (junk), and the
        40 most-covered actors that are agencies or named only by datelines
    .venv/bin/python -m benchmarks.diagnose_actors halves [--work DIR]
        runs the pipeline and the scorer on actors-dev, and on each half of its files (sorted
        file names, odd and even places) against that half's own gold, so that a setting tuned
        to one half shows

Reads ../shared/eval (the scorer's own matching rules, imported from there); skips when absent.
Writes only under the work folder (default /tmp/media-monitor-eval/actors-halves)."""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path, PurePath

import duckdb

ROOT = Path(__file__).resolve().parents[1]
EVAL = Path(os.environ.get("EVAL_DIR", ROOT.parent / "shared" / "eval"))
AGENCIES = {
    "ap", "associated press", "reuters", "afp", "agence france presse", "dpa", "upi", "xinhua",
    "bloomberg", "efe", "ansa", "kyodo", "tass", "itar tass", "interfax",
}


def scorer():
    sys.path.insert(0, str(EVAL))
    import score_actors

    return score_actors


def diagnose(warehouse: str, gold_path: str) -> None:
    score = scorer()
    gold = score.load_gold(gold_path)
    con = duckdb.connect(warehouse, read_only=True)
    texts = {
        PurePath(path).name: (article_id, content_hash, body)
        for article_id, path, content_hash, body in con.execute(
            "SELECT article_id, source_path, content_hash, body FROM article_texts"
        ).fetchall()
    }
    spans, local = defaultdict(list), defaultdict(list)
    for ch, surface, label, s, e in con.execute(
        "SELECT content_hash, surface, entity_label, start_char, end_char FROM entity_spans"
    ).fetchall():
        spans[ch].append((s, e, surface, label))
    for ch, s, e, surface, source, name in con.execute(
        "SELECT content_hash, start_char, end_char, surface, source, name FROM actor_local_mentions"
    ).fetchall():
        local[ch].append((s, e, surface, source, name))
    file_of = {article_id: name for name, (article_id, _, _) in texts.items()}
    predicted = defaultdict(lambda: defaultdict(set))
    for article_id, actor_id, surface in con.execute("SELECT article_id, actor_id, surface FROM mentions").fetchall():
        if article_id in file_of:
            predicted[file_of[article_id]][actor_id].add(score.norm(surface))

    misses = junk = 0
    for name, g in sorted(gold.items()):
        if name not in texts:
            continue
        _, ch, body = texts[name]
        actors = predicted.get(name, {})
        for key, surfaces in g["ents"].items():
            if any(score.match(p, s) for ps in actors.values() for p in ps for s in surfaces):
                continue
            misses += 1
            print(f"MISS {name} {g['types'][key]} {sorted(surfaces)} ({g['labels'][key]})")
            for surface in surfaces:
                pattern = r"\W+".join(re.escape(w) for w in surface.split())
                for found in list(re.finditer(rf"(?i)(?<!\w){pattern}(?!\w)", body))[:2]:
                    s, e = found.span()
                    line_start = body.rfind("\n", 0, s) + 1
                    line_end = body.find("\n", e)
                    line = body[line_start : line_end if line_end >= 0 else len(body)]
                    print(f"    {line[:120]!r}")
                    print(f"      spans {[x[2:] for x in spans[ch] if x[0] < e and s < x[1]]}")
                    print(f"      local {[x[2:] for x in local[ch] if x[0] < e and s < x[1]]}")
        for actor_id, surfaces in actors.items():
            if not any(score.match(p, s) for p in surfaces for s in g["all"]):
                junk += 1
                print(f"JUNK {name} {actor_id} {sorted(surfaces)}")
    print(f"{misses} missed gold entities, {junk} actors matching nothing")
    top = con.execute(
        """
        WITH top AS (SELECT actor_id, name, articles FROM actor_coverage ORDER BY articles DESC, name LIMIT 40),
        per_article AS (SELECT actor_id, article_id, bool_and(source = 'dateline') AS dateline_only
                        FROM mentions GROUP BY actor_id, article_id)
        SELECT t.name, t.articles, count(*) FILTER (WHERE p.dateline_only) AS dateline_only
        FROM top AS t LEFT JOIN per_article AS p USING (actor_id)
        GROUP BY t.name, t.articles ORDER BY t.articles DESC, t.name
        """
    ).fetchall()
    flagged = [(n, a, d) for n, a, d in top if n.lower() in AGENCIES or d == a]
    print(f"top 40: agencies or named only by datelines: {flagged or 'none'}")


def halves(work: Path) -> None:
    landing, gold = EVAL / "actors-dev" / "landing", EVAL / "actors-dev" / "gold.jsonl"
    names = sorted(p.name for p in landing.iterdir() if p.is_file())
    parts = {"full": (landing, gold)}
    for half in (0, 1):
        folder = work / f"half{half}" / "landing"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        chosen = set(names[half::2])
        for name in chosen:
            shutil.copy(landing / name, folder / name)
        half_gold = work / f"half{half}" / "gold.jsonl"
        with open(gold, encoding="utf-8") as source, open(half_gold, "w", encoding="utf-8") as out:
            out.writelines(line for line in source if json.loads(line)["file"] in chosen)
        parts[f"half{half}"] = (folder, half_gold)
    score = scorer()
    for part, (folder, part_gold) in parts.items():
        run = work / part / "run"
        shutil.rmtree(run, ignore_errors=True)
        run.mkdir(parents=True)
        env = {
            **os.environ,
            "MEDIA_MONITOR_LANDING": str(folder),
            "MEDIA_MONITOR_WAREHOUSE": str(run / "warehouse.duckdb"),
            "DAGSTER_HOME": str(run / "dagster_home"),
            "MEDIA_MONITOR_LOG_LEVEL": "WARNING",
        }
        with open(run / "run.log", "w") as log:
            subprocess.run([sys.executable, "-m", "pipelines.run"], cwd=ROOT, env=env, stdout=log, stderr=log, check=True)
        with open(os.devnull, "w") as quiet:
            stdout, sys.stdout = sys.stdout, quiet
            try:
                result = score.main(str(run / "warehouse.duckdb"), str(part_gold), True)
            finally:
                sys.stdout = stdout
        figures = {k: v for k, v in result.items() if k.startswith(("actor_", "coverage_"))}
        print(f"{part}: {figures}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("diagnose")
    d.add_argument("warehouse")
    d.add_argument("gold", nargs="?", default=str(EVAL / "actors-dev" / "gold.jsonl"))
    h = sub.add_parser("halves")
    h.add_argument("--work", default="/tmp/media-monitor-eval/actors-halves")
    args = parser.parse_args()
    if not EVAL.is_dir():
        print(f"no evaluation data at {EVAL}: skipped")
        return
    if args.command == "diagnose":
        diagnose(args.warehouse, args.gold)
    else:
        halves(Path(args.work))


if __name__ == "__main__":
    main()
