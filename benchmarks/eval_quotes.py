"""Precision and recall of the quotes step on the project's own annotated texts.

Runs the real pipeline (real spaCy model, actors resolution, the `quotes` asset) on the texts
of `benchmarks/quotes_gold/texts/` in a temporary landing folder and warehouse, then compares
the `quotes` table with the gold JSONL (quotation text, speaker's name, kind):

- a predicted quotation matches a gold one of the same article when their character spans
  overlap with a Jaccard of at least 0.5 (one-to-one, best overlap first); `exact` also
  reports spans equal once surrounding white space and punctuation are trimmed;
- a speaker is right when the predicted actor's name equals the gold name (case, accents and
  a leading "the" ignored), or both are empty (an unnamed speaker left unresolved). Speaker
  precision counts predictions that name a speaker; speaker recall counts gold quotations
  that have a named speaker.

Usage: .venv/bin/python -m benchmarks.eval_quotes [--split dev|test|all] [--verbose]
"""

import argparse
import json
import shutil
import tempfile
import unicodedata
from pathlib import Path

import dagster as dg
import duckdb

GOLD = Path(__file__).parent / "quotes_gold"
MIN_JACCARD = 0.5
_CURLY = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})
_TRIM = " \n\t.,;:!?\"'"


def normalise_name(name: str | None) -> str | None:
    if not name:
        return None
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold().strip()
    text = text.removeprefix("the ")
    return " ".join(text.replace(".", "").split())


def read_gold(split: str) -> list[dict]:
    names = ["gold_dev.jsonl", "gold_test.jsonl"] if split == "all" else [f"gold_{split}.jsonl"]
    rows = []
    for name in names:
        rows += [json.loads(line) for line in (GOLD / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows


def run_pipeline(files: list[str], work: Path) -> Path:
    from pipelines.definitions import all_assets
    from pipelines.resources import AliasResource, LandingResource, NlpResource, WarehouseResource

    landing = work / "landing"
    landing.mkdir(parents=True)
    for name in files:
        shutil.copy2(GOLD / "texts" / name, landing / name)
    warehouse = work / "warehouse.duckdb"
    result = dg.materialize(all_assets, resources={
        "landing": LandingResource(path=str(landing)), "warehouse": WarehouseResource(path=str(warehouse)),
        "nlp": NlpResource(), "aliases": AliasResource(),
    })
    if not result.success:
        raise SystemExit("the pipeline failed")
    return warehouse


def gold_spans(gold: list[dict], bodies: dict[str, str]) -> list[dict]:
    """Each gold quotation with its offsets in the stored body (curly quotes read as straight)."""
    out = []
    for row in gold:
        body = bodies[row["file"]].translate(_CURLY)
        start = body.find(row["quote"].translate(_CURLY))
        if start < 0:
            raise SystemExit(f"gold quotation not found in {row['file']}: {row['quote'][:60]!r}")
        out.append({**row, "start": start, "end": start + len(row["quote"])})
    return out


def jaccard(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    return inter / (max(a[1], b[1]) - min(a[0], b[0]))


def match(gold: list[dict], predicted: list[dict]) -> list[tuple[dict, dict]]:
    pairs = sorted(((jaccard((g["start"], g["end"]), (p["start"], p["end"])), gi, pi)
                    for gi, g in enumerate(gold) for pi, p in enumerate(predicted)
                    if g["file"] == p["file"]), reverse=True)
    used_g, used_p, matched = set(), set(), []
    for score, gi, pi in pairs:
        if score < MIN_JACCARD or gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        matched.append((gold[gi], predicted[pi]))
    return matched


def ratio(a: int, b: int) -> float:
    return round(a / b, 3) if b else 0.0


def scores(gold: list[dict], predicted: list[dict], bodies: dict[str, str]) -> dict:
    pairs = match(gold, predicted)
    exact = sum(1 for g, p in pairs
                if bodies[g["file"]][g["start"]:g["end"]].strip(_TRIM) == bodies[p["file"]][p["start"]:p["end"]].strip(_TRIM))
    right = [(g, p) for g, p in pairs if normalise_name(g["speaker"]) == normalise_name(p["speaker_name"])]
    named_right = sum(1 for g, p in right if g["speaker"])
    predicted_named = sum(1 for p in predicted if p["speaker_name"])
    gold_named = sum(1 for g in gold if g["speaker"])
    return {
        "gold": len(gold), "predicted": len(predicted), "matched": len(pairs),
        "span_precision": ratio(len(pairs), len(predicted)), "span_recall": ratio(len(pairs), len(gold)),
        "exact_span_precision": ratio(exact, len(predicted)), "exact_span_recall": ratio(exact, len(gold)),
        "speaker_precision": ratio(named_right, predicted_named), "speaker_recall": ratio(named_right, gold_named),
        "who_said_what": ratio(len(right), len(gold)),
        "kind_accuracy": ratio(sum(1 for g, p in pairs if g["kind"] == p["kind"]), len(pairs)),
        "_pairs": pairs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "test", "all"], default="all")
    parser.add_argument("--verbose", action="store_true", help="list misses, false alarms and wrong speakers")
    parser.add_argument("--work", help="folder for the landing copy and warehouse (default: a temporary one)")
    args = parser.parse_args()

    gold = read_gold(args.split)
    files = sorted({row["file"] for row in gold})
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="eval_quotes_"))
    warehouse = run_pipeline(files, work)
    conn = duckdb.connect(str(warehouse), read_only=True)
    bodies = dict(conn.execute("SELECT source_path, body FROM articles").fetchall())
    rows = conn.execute(
        "SELECT a.source_path, q.start_char, q.end_char, q.kind, ac.name, q.speaker, q.attribution "
        "FROM quotes q JOIN articles a USING (article_id) LEFT JOIN actors ac USING (actor_id)").fetchall()
    conn.close()
    predicted = [{"file": f, "start": s, "end": e, "kind": k, "speaker_name": n, "speaker": sp, "attribution": at}
                 for f, s, e, k, n, sp, at in rows]
    gold = gold_spans(gold, bodies)

    print(f"quotes evaluation, split {args.split}: {len(files)} texts")
    for label, g, p in [("all", gold, predicted)] + [
        (kind, [x for x in gold if x["kind"] == kind], [x for x in predicted if x["kind"] == kind])
        for kind in ("direct", "reported")
    ]:
        result = scores(g, p, bodies)
        shown = {k: v for k, v in result.items() if not k.startswith("_")}
        print(f"  {label:9} " + "  ".join(f"{k} {v}" for k, v in shown.items()))
    if args.verbose:
        result = scores(gold, predicted, bodies)
        matched_g = {id(g) for g, _ in result["_pairs"]}
        matched_p = {id(p) for _, p in result["_pairs"]}
        for g in gold:
            if id(g) not in matched_g:
                print(f"MISS  {g['file']} [{g['kind']}] {g['speaker']}: {g['quote'][:80]!r}")
        for p in predicted:
            if id(p) not in matched_p:
                print(f"FALSE {p['file']} [{p['kind']}/{p['attribution']}] {p['speaker_name']}: "
                      f"{bodies[p['file']][p['start']:p['end']][:80]!r}")
        for g, p in result["_pairs"]:
            if normalise_name(g["speaker"]) != normalise_name(p["speaker_name"]):
                print(f"WHO   {g['file']} gold {g['speaker']!r} got {p['speaker_name']!r} ({p['attribution']}, "
                      f"{p['speaker']!r}): {g['quote'][:60]!r}")


if __name__ == "__main__":
    main()
