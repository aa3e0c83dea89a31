"""The warehouse is the only hand-off between steps: any asset materialized alone, in any order,
leaves the warehouse consistent; a run killed with `kill -9` at any point is carried on by the
next run, which ends with the same warehouse as an uninterrupted run; a warehouse of the previous
release is upgraded in place by the numbered migrations, without loss."""

import os
import random
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.definitions import all_assets
from pipelines.resources import WarehouseResource
from tests.conftest import PROJECT_ROOT
from tests.conftest import resources_for as every_resource
from tests.fixtures.flow.make_corpus import write_corpus
from warehouse import db

# Public tables and what varies between two equal runs (times).
PUBLIC = {
    "articles": "SELECT * EXCLUDE (ingested_at) FROM articles",
    "mentions": "SELECT * FROM mentions",
    "actors": "SELECT * FROM actors",
    "stories": "SELECT * FROM stories",
    "story_links": "SELECT * EXCLUDE (linked_at) FROM story_links",
    "duplicates": "SELECT * FROM duplicates",
    "rejected_files": "SELECT * EXCLUDE (rejected_at) FROM rejected_files",
    "landing_files": "SELECT * EXCLUDE (processed_at) FROM landing_files",
    "actor_timelines": "SELECT * FROM actor_timelines",
    "actor_coverage": "SELECT * FROM actor_coverage",
    "quotes": "SELECT * FROM quotes",
    "actor_tone": "SELECT * FROM actor_tone",
    "outlets": "SELECT * FROM outlets",
    "actor_share": "SELECT * FROM actor_share",
    "actor_alerts": "SELECT * FROM actor_alerts",
    "story_lean": "SELECT * FROM story_lean",
}


def public_tables(path: Path) -> dict[str, list]:
    conn = duckdb.connect(str(path), read_only=True)
    try:
        return {name: sorted(conn.execute(sql).fetchall(), key=repr) for name, sql in PUBLIC.items()}
    finally:
        conn.close()


def resources_for(landing: Path, warehouse: Path, chunk_size: int = 1000) -> dict:
    resources = every_resource(warehouse.parent / f"{warehouse.stem}-exports", landing)
    resources["warehouse"] = WarehouseResource(path=str(warehouse), chunk_size=chunk_size, chunk_files=chunk_size)
    return resources


def by_name() -> dict[str, dg.AssetsDefinition]:
    return {a.key.to_user_string(): a for a in all_assets}


ORDERS = [
    # downstream first (nothing to do yet), then upstream one at a time
    ["analyst_snapshot", "actor_coverage", "actor_timelines", "stories", "actors", "deduplicated_articles",
     "entity_spans", "cleaned_articles", "raw_articles"],
    # a step before what it needs, then what it needs, then the step again
    ["raw_articles", "stories", "cleaned_articles", "actors", "deduplicated_articles", "stories", "entity_spans",
     "stories", "actors", "actor_coverage"],
]


@pytest.mark.parametrize("order", ORDERS + ["shuffled"])
def test_assets_materialized_alone_in_any_order_end_as_a_clean_run(tmp_path, order):
    landing = tmp_path / "landing"
    write_corpus(landing, part=0)
    reference, tested = tmp_path / "reference.duckdb", tmp_path / "tested.duckdb"
    for path in (reference, tested):
        assert dg.materialize(all_assets, resources=resources_for(landing, path)).success
    write_corpus(landing, part=1)  # new files arrive
    assert dg.materialize(all_assets, resources=resources_for(landing, reference)).success

    assets = by_name()
    if order == "shuffled":
        order = list(assets) * 2
        random.Random(7).shuffle(order)
    for name in order:
        assert dg.materialize([assets[name]], resources=resources_for(landing, tested)).success, name
        with db.read_connection(tested) as conn:  # consistent at every point: one row per cleaned article
            assert conn.execute("SELECT count(*) = count(DISTINCT article_id) FROM articles").fetchone()[0]
    assert dg.materialize(all_assets, resources=resources_for(landing, tested)).success
    # Every table equal; only story_links.score may differ in the last digits: an article that
    # was ready early (a copy of a known body has its actors at once) was weighed with the
    # document frequencies of its time. Which story, and through which article, are equal.
    tested_tables, reference_tables = public_tables(tested), public_tables(reference)
    for tables in (tested_tables, reference_tables):
        tables["story_links"] = sorted((a, s, m, round(x or 0, 2), r) for a, s, m, x, r in tables["story_links"])
    assert tested_tables == reference_tables


def run_pipeline(landing: Path, warehouse: Path, home: Path, kill_after: int | None = None) -> tuple[int, str]:
    """`make run` as a subprocess with chunks of 3; with `kill_after`, SIGKILL it as soon as it
    has logged that many committed chunks. Returns the exit code and what it logged."""
    env = dict(os.environ, MEDIA_MONITOR_LANDING=str(landing), MEDIA_MONITOR_WAREHOUSE=str(warehouse),
               DAGSTER_HOME=str(home), MEDIA_MONITOR_CHUNK_SIZE="3", MEDIA_MONITOR_CHUNK_FILES="3",
               MEDIA_MONITOR_LOG_LEVEL="INFO")
    home.mkdir(exist_ok=True)
    process = subprocess.Popen([sys.executable, "-m", "pipelines.run"], cwd=PROJECT_ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines, committed = [], 0
    for line in process.stdout:
        lines.append(line)
        if " committed, " in line:
            committed += 1
            if kill_after is not None and committed >= kill_after:
                process.send_signal(signal.SIGKILL)
                break
    process.stdout.close()
    return process.wait(timeout=600), "".join(lines)


def test_kill_9_at_any_point_then_run_again_equals_an_uninterrupted_run(tmp_path):
    landing = tmp_path / "landing"
    write_corpus(landing)
    code, log = run_pipeline(landing, tmp_path / "clean.duckdb", tmp_path / "home-clean")
    assert code == 0, log[-3000:]
    total = log.count(" committed, ")
    assert total > 20, "the corpus spans many chunks of every stage"

    warehouse, home = tmp_path / "killed.duckdb", tmp_path / "home-killed"
    # killed at about 30%, then (the next run carrying on) about 60% and 85% of the whole work
    for kill_after in (int(total * 0.3), int(total * 0.3), int(total * 0.25)):
        code, log = run_pipeline(landing, warehouse, home, kill_after=kill_after)
        assert code == -signal.SIGKILL, log[-2000:]
    code, log = run_pipeline(landing, warehouse, home)
    assert code == 0, log[-3000:]
    assert "died without finishing" in log, "the run says it found its predecessor dead"
    assert public_tables(warehouse) == public_tables(tmp_path / "clean.duckdb")

    with dg.DagsterInstance.from_config(str(home)) as instance:  # the dead runs left the queue
        statuses = [r.status for r in instance.get_runs()]
    assert dg.DagsterRunStatus.STARTED not in statuses


def test_a_warehouse_of_the_previous_release_is_upgraded_in_place(tmp_path, seeds_landing):
    """Build a warehouse with the release-0.1 schema (migration 1) holding a loaded article, as
    that release left it, then open it: migration 2 moves it to the stage tables, and the
    pipeline neither re-reads nor re-analyses it."""
    path = tmp_path / "old.duckdb"
    seed = sorted(seeds_landing.iterdir())[0]
    info = seed.stat()
    conn = duckdb.connect(str(path))
    db.migrate(conn, target=1)
    conn.execute("""INSERT INTO articles VALUES ('a1', ?, 0, 'Wire', NULL, 'Leaders meet', NULL, DATE '2025-11-04',
                    'header', 'en', 'Xi Jinping met Mikhail Mishustin in Beijing.', 8, 'h1', 'f1', 'txt', 'a1', 's-a1',
                    'analysed', TIMESTAMP '2025-11-05 08:00:00')""", [seed.name])
    conn.execute("INSERT INTO landing_files VALUES (?, ?, ?, 'f1', 'loaded', 1, now())", [seed.name, info.st_size, info.st_mtime_ns])
    conn.execute("INSERT INTO entity_runs VALUES ('h1', 'en_core_web_sm 3.8.0', 'analysed', NULL, now())")
    conn.execute("INSERT INTO entity_spans VALUES ('h1', 'Xi Jinping', 'PERSON', 0, 10)")
    conn.execute("INSERT INTO story_links VALUES ('a1', 's-a1', NULL, NULL, 'new', now())")
    conn.execute("INSERT INTO article_signatures (article_id, source_path, dup_group_id, content_hash) VALUES ('a1', ?, 'a1', 'h1')", [seed.name])
    before = conn.execute("SELECT * EXCLUDE (author, entity_status) FROM articles").fetchall()
    conn.close()

    with db.write_connection(path) as conn:
        versions = [v for v, _, _ in db.migrations()]
        assert versions[:2] == [1, 2]
        assert [v for v, in conn.execute("SELECT version FROM schema_version ORDER BY 1").fetchall()] == versions
        assert conn.execute("SELECT table_type FROM information_schema.tables WHERE table_name = 'articles'").fetchone()[0] == "VIEW"
        after = conn.execute("SELECT article_id, source_path, record_index, outlet, url, title, published_date, date_source, "
                             "language, body, word_count, content_hash, file_hash, format, dup_group_id, story_id, ingested_at "
                             "FROM articles").fetchall()
        assert after == before
        assert conn.execute("SELECT entity_status FROM articles").fetchone()[0] == "analysed"
    with db.write_connection(path) as conn:  # applied once
        assert conn.execute("SELECT count(*) FROM schema_version").fetchone()[0] == len(versions)

    (seeds_landing / sorted(p.name for p in seeds_landing.iterdir())[1]).unlink()  # only the migrated file
    result = dg.materialize(all_assets, resources=resources_for(seeds_landing, path))
    assert result.success
    meta = {n: result.asset_materializations_for_node(n)[0].metadata for n in ("raw_articles", "cleaned_articles", "entity_spans")}
    assert meta["raw_articles"]["articles"].value == 0 and meta["cleaned_articles"]["articles"].value == 0
    assert meta["entity_spans"]["bodies_analysed"].value == 0
    with db.read_connection(path) as conn:
        assert conn.execute("SELECT article_id, story_id, published_date FROM articles").fetchall() == [("a1", "s-a1", date(2025, 11, 4))]
        assert conn.execute("SELECT count(*) FROM story_features").fetchone()[0] == 1  # counted once after the upgrade
        assert conn.execute("SELECT count(*) FROM mentions WHERE article_id = 'a1'").fetchone()[0] >= 1
