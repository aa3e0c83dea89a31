"""Shared fixtures: a tmp landing folder, a tmp warehouse, resources pointing at them."""

import shutil
from pathlib import Path

import pytest

from pipelines.analytics_resources import AlertsResource, ExportsResource, OutletsResource
from pipelines.resources import AliasResource, LandingResource, NlpResource, WarehouseResource

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_LANDING = PROJECT_ROOT / "data" / "landing"


@pytest.fixture
def landing(tmp_path) -> Path:
    root = tmp_path / "landing"
    root.mkdir()
    return root


@pytest.fixture
def seeds_landing(landing) -> Path:
    """The project's two seed documents (the top level of the sample landing folder), copied;
    the demo articles in its subfolders are left out."""
    for path in SAMPLE_LANDING.glob("*.txt"):
        shutil.copy2(path, landing / path.name)
    return landing


@pytest.fixture
def resources(tmp_path, landing) -> dict:
    return resources_for(tmp_path, landing)


def resources_for(tmp_path: Path, landing: Path) -> dict:
    """Every resource, with the warehouse and the exports under `tmp_path`."""
    return {
        "landing": LandingResource(path=str(landing)),
        "warehouse": WarehouseResource(path=str(tmp_path / "warehouse" / "media.duckdb")),
        "nlp": NlpResource(),
        "aliases": AliasResource(),
        "outlet_table": OutletsResource(),
        "alerts": AlertsResource(),
        "exports": ExportsResource(folder=str(tmp_path / "exports")),
    }


def store_articles(conn, frame, *, resolved: bool = False) -> None:
    """Store fixture articles as the stages would leave them: the columns of `article_texts`
    there (content_hash defaults to the article id), a dedup signature row with the frame's
    dup_group_id (else the article's own), the frame's story_id in story_links, and, with
    `resolved`, the actors step's ledger row (so the stories step takes them)."""
    import polars as pl

    from warehouse import db

    if "content_hash" not in frame.columns:
        frame = frame.with_columns(pl.col("article_id").alias("content_hash"))
    for column, value in (("source_path", pl.col("article_id")), ("record_index", pl.lit(0, pl.Int32))):
        if column not in frame.columns:
            frame = frame.with_columns(value.alias(column))
    texts_columns = [c for c in conn.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = 'article_texts'").pl()["column_name"]]
    db.insert_frame(conn, "article_texts", frame.select([c for c in frame.columns if c in texts_columns]))
    groups = frame.select("article_id", "source_path", "content_hash",
                          (pl.col("dup_group_id") if "dup_group_id" in frame.columns else pl.col("article_id")).alias("dup_group_id"))
    db.insert_frame(conn, "article_signatures", groups)
    if "story_id" in frame.columns:
        links = frame.filter(pl.col("story_id").is_not_null()).select("article_id", "story_id", pl.lit("new").alias("reason"))
        db.insert_frame(conn, "story_links", links)
    if resolved:
        db.insert_frame(conn, "actor_articles", frame.select("article_id", "content_hash"))


def table_rows(path, *tables: str) -> dict:
    """Every row of each of `tables` in the warehouse at `path`, sorted: to compare a table
    before and after a run."""
    from warehouse import db

    with db.read_connection(path) as conn:
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}


def rebuilt_from_scratch(path, sql_files: list, tables, params: list | None = None) -> dict:
    """The rows of `tables` once the SQL files `sql_files` (the builds of those tables; or a
    function of the connection that builds one in parts) have run again from scratch now,
    whatever `build_state` says; the warehouse is left rebuilt."""
    from warehouse import db

    with db.write_connection(path) as conn:
        for sql in sql_files:
            if callable(sql):
                sql(conn)
            else:
                conn.execute(db.read_sql(sql), params)
    return table_rows(path, *tables)


def was_rebuilt(result, asset: str) -> bool:
    """The `rebuilt` metadata of `asset`'s materialisation in a `dg.materialize` result."""
    return result.asset_materializations_for_node(asset)[0].metadata["rebuilt"].value
