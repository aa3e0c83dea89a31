"""Coverage by lean: how many articles and outlets of each political lean covered each story
(`story_lean`) and each actor (`actor_lean`), and the stories one side covered while the
other did not (`story_blindspots`; the lead exposes its `blindspot` as `stories.blindspot`).

A story is a blindspot of the left when outlets leaning right published at least the minimum
number of its articles (`MEDIA_MONITOR_BLINDSPOT_MIN_ARTICLES`, default 3) and no outlet on
the left did, and the other way round. Center and unrated outlets do not count for either
side. Leans come from `outlets`, so editing the outlet file changes these tables on the next
run without touching the articles.
"""


import dagster as dg
import polars as pl

from assets.preview import frame_markdown
from pipelines.analytics_resources import OutletsResource
from pipelines.resources import WarehouseResource
from warehouse import db

SIDE_BAR_WIDTH = 12


def lean_bar(left: int, center: int, right: int, width: int = SIDE_BAR_WIDTH) -> str:
    """Left, center and right articles as one bar of `width` characters: L, C and R blocks in
    proportion (each side with articles gets at least one)."""
    total = left + center + right
    if total == 0:
        return "·" * width
    cells = [max(1, round(n / total * width)) if n else 0 for n in (left, center, right)]
    while sum(cells) > width:
        cells[cells.index(max(cells))] -= 1
    return "L" * cells[0] + "C" * cells[1] + "R" * cells[2] + "·" * (width - sum(cells))


def lean_table(frame: pl.DataFrame) -> str:
    """Stories (title, articles by side, blindspot) as a markdown table with a lean bar."""
    bars = [lean_bar(l, c, r) for l, c, r in frame.select("left_articles", "center_articles", "right_articles").iter_rows()]
    return frame_markdown(frame.with_columns(pl.Series("left · center · right", bars)).select(
        "title", "first_seen", "articles", "left_articles", "center_articles", "right_articles", "unrated_articles",
        "left · center · right", "blindspot"), max_chars=70)


@dg.asset(group_name="analytics", kinds={"duckdb"}, deps=["outlets", "stories", "actors"])
def coverage_by_lean(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                     outlet_table: OutletsResource) -> dg.MaterializeResult:
    """Articles and outlets by lean per story (`story_lean`) and per actor (`actor_lean`), and
    stories covered by one side only (`story_blindspots`); rebuilt only when their inputs changed
    since the last build (`build_state`)."""
    minimum = outlet_table.blindspot_min_articles
    with warehouse.write() as conn:
        # Rebuilt only when what the SQL reads, or the minimum passed to it, changed.
        with db.transaction(conn):
            rebuilt = db.rebuild_if_changed(conn, "coverage_by_lean", "lean", "lean_inputs", [minimum, minimum])
        stories = db.query_frame(conn, db.read_sql("lean_preview"))
        actors = db.query_frame(conn, "SELECT name, coalesce(lean, 'unrated') AS lean, articles FROM actor_lean "
                                      "WHERE actor_id IN (SELECT actor_id FROM actor_lean GROUP BY 1 "
                                      "ORDER BY sum(articles) DESC, 1 LIMIT 10)")
        blindspots = conn.execute("SELECT count(*) FROM story_blindspots WHERE blindspot IS NOT NULL").fetchone()[0]
    by_actor = (actors.pivot(on="lean", index="name", values="articles").fill_null(0)
                if actors.height else actors)
    return dg.MaterializeResult(metadata={
        "blindspots": blindspots,
        "rebuilt": rebuilt,
        "min_articles_for_blindspot": minimum,
        "blindspot_stories": dg.MetadataValue.md(lean_table(stories.filter(pl.col("blindspot").is_not_null()))),
        "largest_stories_by_lean": dg.MetadataValue.md(lean_table(stories.head(15))),
        "leading_actors_by_lean": dg.MetadataValue.md(frame_markdown(by_actor)),
    })
