"""Attention: each actor's share of the day's articles and of its type's mentions
(`actor_share`, zero-filled inside the actor's active range), and alerts on days when an
actor's coverage rises far above its own trailing baseline (`actor_alerts`).

Alerts count each duplicate group once (syndicated copies are one article). The alert score
is count-aware: the baseline is the number of articles expected that day from
the actor's smoothed share of all articles over the trailing window (so a busier news day is
not a spike), and the score is -log10 of the Poisson probability of seeing at least that many
articles. Three articles against an expected 0.1 scores about 3.8; 30 against an expected 10
about 6.6; the same ratio on tiny counts does not reach the threshold. An actor that first
appears in several articles at once is alerted as a newcomer (its baseline is the prior).
New alerts on the latest days can also be written to a folder and posted to a webhook.
"""


import json
import math
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

import dagster as dg
import polars as pl

from assets.preview import frame_markdown, sparkline
from pipelines.analytics_resources import AlertsResource
from pipelines.resources import WarehouseResource
from warehouse import db

WINDOW_DAYS = 28
MIN_HISTORY_DAYS = 7  # no alerts in the corpus's first week: nothing to compare with yet
MIN_RATIO = 3.0
PRIOR_ARTICLES = 0.5
DELIVER_DAYS = 2  # alerts on the latest two days of data are delivered; older ones are history
WEBHOOK_TIMEOUT_SECONDS = 10
SHARE_PREVIEW_ACTORS = 10
ALERT_COLUMNS = ["actor_id", "name", "day", "articles", "baseline", "score", "reason", "day_articles",
                 "window_articles", "window_all_articles", "new_actor"]
ALERT_SCHEMA = {"actor_id": pl.String, "name": pl.String, "day": pl.Date, "articles": pl.Int64, "baseline": pl.Float64,
                "score": pl.Float64, "reason": pl.String, "day_articles": pl.Int64, "window_articles": pl.Int64,
                "window_all_articles": pl.Int64, "new_actor": pl.Boolean}


def poisson_score(articles: int, baseline: float) -> float:
    """-log10 P(X >= articles) for X ~ Poisson(baseline), from the log tail (no underflow)."""
    from scipy.stats import poisson  # imported here: scipy.stats costs a second at every process start

    return float(-poisson.logsf(articles - 1, baseline) / math.log(10))


def alert_reason(row: dict) -> str:
    """The alert in words."""
    expected = f"about {row['baseline']:.2g} expected"
    if row["new_actor"]:
        history = f"first mention in the {WINDOW_DAYS}-day record; {expected}"
    else:
        history = (f"{expected} from {row['window_articles']} of {row['window_all_articles']} articles "
                   f"in the previous {WINDOW_DAYS} days")
    return (f"{row['name']} was in {row['articles']} of {row['day_articles']} articles on {row['day']} "
            f"({history}); chance of that many by luck: 1 in {10 ** row['score']:.3g}.")


def score_alerts(candidates: pl.DataFrame, min_score: float) -> pl.DataFrame:
    """Candidate days (from `actor_alert_candidates.sql`) scored, kept when the score reaches
    `min_score`, each with its reason."""
    rows = []
    for row in candidates.iter_rows(named=True):
        row["score"] = round(poisson_score(row["articles"], row["baseline"]), 3)
        if row["score"] >= min_score:
            row["baseline"] = round(row["baseline"], 4)
            row["reason"] = alert_reason(row)
            rows.append({c: row[c] for c in ALERT_COLUMNS})
    return pl.DataFrame(rows, schema=ALERT_SCHEMA)


def rescore_if_changed(conn, params: dict, min_score: float) -> tuple[pl.DataFrame, bool]:
    """The alerts, and whether they were scored again: `actor_alerts` is rebuilt (in one
    transaction with its `build_state` row) only when the timelines, the articles' days, the
    thresholds or this module's code changed since its last build; otherwise the stored alerts."""
    with db.transaction(conn):
        candidates_sql = db.read_sql("actor_alert_candidates")
        inputs = db.inputs_fingerprint(conn, "actor_alerts_inputs", candidates_sql, sorted(params.items()), min_score,
                                       Path(__file__).read_text(encoding="utf-8"))
        if db.built_from(conn, "actor_alerts") == inputs:
            stored = db.query_frame(conn, f"SELECT {', '.join(ALERT_COLUMNS)} FROM actor_alerts ORDER BY day, actor_id")
            return stored.cast(ALERT_SCHEMA), False
        found = score_alerts(conn.execute(candidates_sql, params).pl(), min_score)
        conn.execute("DELETE FROM actor_alerts")
        db.insert_frame(conn, "actor_alerts", found)
        db.record_build(conn, "actor_alerts", inputs)
    return found, True


def deliver_to_folder(alerts: pl.DataFrame, folder: Path, now: datetime) -> Path:
    """The alerts as one JSON file in `folder` (written beside and renamed into place)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"alerts-{now:%Y%m%dT%H%M%S%f}.json"
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps({"alerts": alerts.to_dicts()}, default=str, indent=1), encoding="utf-8")
    tmp.replace(target)
    return target


def deliver_to_webhook(alerts: pl.DataFrame, url: str) -> int:
    """POST the alerts as JSON ({"alerts": [...]}) to `url`; returns the HTTP status."""
    body = json.dumps({"alerts": alerts.to_dicts()}, default=str).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:
        return response.status


def alerts_chart(timelines: pl.DataFrame, alerts: pl.DataFrame) -> str:
    """Per alerted actor (latest alerts first), the daily articles over its active range
    (`timelines`: actor_id, day, articles on days with coverage; the other days are zeros)."""
    rows = []
    for actor_id, name in alerts.sort("day", descending=True).select("actor_id", "name").unique(maintain_order=True).head(10).iter_rows():
        days = timelines.filter(pl.col("actor_id") == actor_id).select("day", "articles")
        span = pl.DataFrame({"day": pl.date_range(days["day"].min(), days["day"].max(), eager=True)})
        series = span.join(days, on="day", how="left").fill_null(0).sort("day")
        days = alerts.filter(pl.col("actor_id") == actor_id)["day"].to_list()
        rows.append({"actor": name, "alert days": ", ".join(str(d) for d in days),
                     "daily articles": sparkline(series["articles"].to_list()),
                     "from": series["day"].min(), "to": series["day"].max()})
    return frame_markdown(pl.DataFrame(rows), max_chars=200) if rows else "_no alerts_"


@dg.asset(group_name="analytics", kinds={"duckdb"}, deps=["actors", "stories", "actor_timelines"])
def actor_share(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """One row per actor and day inside the actor's active range, quiet days included: articles,
    share of the day's articles, share of voice among actors of the same type. A view over
    `actor_timelines`, zero-filled when read: always current, so it is only created again when
    its SQL changed (replacing a view rewrites the warehouse's catalog, which a run with nothing
    new must not do)."""
    with warehouse.write() as conn:
        with db.transaction(conn):
            view = db.read_sql("actor_share")
            defined = db.inputs_fingerprint(conn, "actor_share_inputs", view)
            rebuilt = db.built_from(conn, "actor_share") != defined
            if rebuilt:
                conn.execute(view)
                # Taken again once the view exists: its existence is part of the fingerprint.
                db.record_build(conn, "actor_share", db.inputs_fingerprint(conn, "actor_share_inputs", view))
        # Counted from the timelines, not the view: the metadata must not cost what the view saves.
        rows, actors = conn.execute("SELECT coalesce(sum(span), 0), count(*) FROM (SELECT max(day) - min(day) + 1 AS span "
                                    "FROM actor_timelines GROUP BY actor_id)").fetchone()
        top = db.query_frame(conn, db.read_sql("actor_share_preview"), [SHARE_PREVIEW_ACTORS])
    return dg.MaterializeResult(metadata={"rows": rows, "actors": actors, "rebuilt": rebuilt,
                                          "leading_people_and_share": dg.MetadataValue.md(frame_markdown(top))})


@dg.asset(
    group_name="analytics", kinds={"duckdb"}, deps=["actor_share"],
    check_specs=[dg.AssetCheckSpec("no_alerts_on_latest_day", asset="actor_alerts",
                                   description="WARN when an actor's coverage spikes on the latest day of data.")],
)
def actor_alerts(context: dg.AssetExecutionContext, warehouse: WarehouseResource, alerts: AlertsResource) -> dg.MaterializeResult:
    """Days when an actor's coverage rose far above its own trailing baseline (a Poisson tail
    score against its smoothed share of the trailing 28 days), with the reason in words. New
    alerts on the latest days are written to the alerts folder and posted to the webhook when
    those settings are given, each once."""
    params = {"min_articles": alerts.min_articles, "min_ratio": MIN_RATIO, "window_days": WINDOW_DAYS,
              "prior_articles": PRIOR_ARTICLES, "min_history_days": MIN_HISTORY_DAYS}
    with warehouse.write() as conn:
        found, rebuilt = rescore_if_changed(conn, params, alerts.min_score)
        latest = conn.execute("SELECT max(published_date) FROM articles WHERE published_date <= current_date").fetchone()[0]
    metadata = {"alerts": found.height, "latest_day": str(latest), "rebuilt": rebuilt,
                "recent_alerts": dg.MetadataValue.md(frame_markdown(
                    found.sort(["day", "score"], descending=True).head(20).select("day", "name", "articles", "baseline", "score", "reason"),
                    max_chars=300))}
    with warehouse.write() as conn:
        timelines = db.query_frame(conn, "SELECT actor_id, day, unique_articles AS articles FROM actor_timelines "
                                         "WHERE list_contains(?, actor_id)", [found["actor_id"].unique().to_list()])
        metadata["alerted_actors_chart"] = dg.MetadataValue.md(alerts_chart(timelines, found))
        recent = found.filter(pl.col("day") > latest - timedelta(days=DELIVER_DAYS)) if latest else found.clear()
        for target, enabled in (("folder", alerts.folder_path is not None), ("webhook", bool(alerts.webhook_url))):
            if not enabled or recent.height == 0:
                continue
            done = db.query_frame(conn, "SELECT actor_id, day FROM alert_deliveries WHERE target = ?", [target])
            new = recent.join(done, on=["actor_id", "day"], how="anti")
            if new.height == 0:
                continue
            try:
                if target == "folder":
                    metadata["delivered_file"] = dg.MetadataValue.path(str(deliver_to_folder(new, alerts.folder_path, datetime.now())))
                else:
                    metadata["webhook_status"] = deliver_to_webhook(new, alerts.webhook_url)
            except OSError as exc:  # an unreachable webhook must not fail the run; retried next run
                context.log.warning(f"alerts not delivered to the {target}: {exc}")
                metadata[f"{target}_error"] = str(exc)
                continue
            db.insert_frame(conn, "alert_deliveries", new.select("actor_id", "day").with_columns(
                pl.lit(target).alias("target"), pl.lit(datetime.now()).alias("delivered_at")))
            metadata[f"delivered_{target}"] = new.height
    today = found.filter(pl.col("day") == latest) if latest else found.clear()
    check = dg.AssetCheckResult(
        check_name="no_alerts_on_latest_day", passed=today.height == 0, severity=dg.AssetCheckSeverity.WARN,
        metadata={"latest_day": str(latest), "alerts": today.height,
                  "alerts_table": dg.MetadataValue.md(frame_markdown(today.select("name", "articles", "baseline", "score", "reason"),
                                                                     max_chars=300))},
    )
    return dg.MaterializeResult(metadata=metadata, check_results=[check])
