"""Cost grows with new work: time a full run over N generated articles, then a run after
adding 10 new files, and a run with nothing new, in one process, and report the ratios and
how many files each run parsed, how many texts went through NER and how many bodies the actors
step resolved (the rest it takes from its cache).

    .venv/bin/python -m benchmarks.bench_incremental [--files 2000]

Articles are generated from made-up names and sentence templates (no third-party text)."""

import argparse
import random
import shutil
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.definitions import all_assets
from pipelines.analytics_resources import AlertsResource, ExportsResource, OutletsResource
from pipelines.resources import AliasResource, LandingResource, NlpResource, WarehouseResource


def analytics_resources(work: Path) -> dict:
    return {"outlet_table": OutletsResource(), "alerts": AlertsResource(),
            "exports": ExportsResource(folder=str(work / "exports"))}

FIRST = ["Anna", "Boris", "Carla", "Dmitri", "Elena", "Farid", "Greta", "Hiroshi", "Ines", "Jonas"]
LAST = ["Keller", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov", "Quintana", "Rossi", "Sato", "Tanaka"]
PLACES = ["Berlin", "Paris", "Madrid", "Warsaw", "Lisbon", "Vienna", "Prague", "Athens", "Dublin", "Oslo"]
ORGS = ["the European Commission", "the World Bank", "NATO", "the United Nations", "the IMF"]
TEMPLATES = [
    "{p1} met {p2} in {place} on {weekday} to discuss trade and energy.",
    "Officials from {org} said {p1} would travel to {place} next week.",
    "{p2} told reporters in {place} that talks with {org} had made progress.",
    "The meeting between {p1} and {p2} followed weeks of tension over tariffs.",
    "Analysts in {place} expect {org} to publish new forecasts before the summit.",
]
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def person(rng):
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def write_articles(landing: Path, start: int, count: int, rng: random.Random) -> None:
    for i in range(start, start + count):
        day = date(2025, 1, 1) + timedelta(days=rng.randrange(300))
        sentences = [rng.choice(TEMPLATES).format(p1=person(rng), p2=person(rng), place=rng.choice(PLACES),
                                                  org=rng.choice(ORGS), weekday=rng.choice(WEEKDAYS))
                     for _ in range(rng.randrange(4, 10))]
        folder = landing / f"outlet{i % 7}"
        folder.mkdir(exist_ok=True)
        (folder / f"article-{i:06d}.txt").write_text(f"date {day.isoformat()}\n\n" + " ".join(sentences) + "\n")


def timed_run(resources) -> tuple[float, dict]:
    started = time.perf_counter()
    result = dg.materialize(all_assets, resources=resources, run_config=QUIET)
    elapsed = time.perf_counter() - started
    assert result.success
    metadata = {f"{e.step_key}.seconds": e.event_specific_data.duration_ms / 1000
                for e in result.all_events if e.is_step_success}
    for event in result.get_asset_materialization_events():
        key = event.asset_key.to_user_string()
        for name, value in event.materialization.metadata.items():
            metadata[f"{key}.{name}"] = getattr(value, "value", value)
    return elapsed, metadata


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=2000)
    args = parser.parse_args()
    rng = random.Random(7)
    work = Path(tempfile.mkdtemp(prefix="bench-incremental-"))
    landing = work / "landing"
    landing.mkdir()
    resources = {"landing": LandingResource(path=str(landing)),
                 "warehouse": WarehouseResource(path=str(work / "w.duckdb")),
                 "nlp": NlpResource(), "aliases": AliasResource(), **analytics_resources(work)}
    try:
        write_articles(landing, 0, args.files, rng)
        full, full_meta = timed_run(resources)
        write_articles(landing, args.files, 10, rng)
        ten, ten_meta = timed_run(resources)
        nothing, nothing_meta = timed_run(resources)
        conn = duckdb.connect(str(work / "w.duckdb"), read_only=True)
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        conn.close()
        for label, seconds, meta in (("full", full, full_meta), ("+10 files", ten, ten_meta), ("nothing new", nothing, nothing_meta)):
            print(f"{label:12s} {seconds:7.2f} s  parsed articles={meta.get('raw_articles.articles')} "
                  f"new_articles={meta.get('articles.new_articles')} ner_texts={meta.get('entity_spans.bodies_analysed')} "
                  f"actor_bodies_resolved={meta.get('actors.bodies_resolved')} actor_bodies_cached={meta.get('actors.bodies_cached')}")
            steps = {k.removesuffix(".seconds"): round(v, 2) for k, v in meta.items() if k.endswith(".seconds")}
            print(f"{'':12s} step seconds: {steps}")
        print(f"articles in warehouse: {articles}")
        print(f"ratio (+10 files) / full: {ten / full:.3f}; ratio (nothing new) / full: {nothing / full:.3f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
