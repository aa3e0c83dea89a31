"""The analytics part of the summary `make demo` prints: outlets by lean, share of voice,
alerts, blindspots and exports, a few lines each, read from the warehouse."""

from pathlib import Path

import duckdb


def analytics_summary(conn: duckdb.DuckDBPyConnection, exports_folder: Path | None = None) -> list[str]:
    lines = []
    outlets, rated, countries = conn.execute(
        "SELECT count(*), count(lean), count(DISTINCT country) FROM outlets").fetchone()
    by_lean = conn.execute("SELECT coalesce(lean, 'unrated'), sum(articles)::BIGINT FROM outlets GROUP BY 1 "
                           "ORDER BY array_position(['left', 'lean-left', 'center', 'lean-right', 'right', 'unrated'], "
                           "coalesce(lean, 'unrated'))").fetchall()
    lines.append(f"outlets: {outlets} ({rated} with a lean, {countries} countries); articles by lean: "
                 + ", ".join(f"{lean} {n}" for lean, n in by_lean))
    voice = conn.execute(
        "SELECT name, sum(mentions) / sum(sum(mentions)) OVER () AS voice FROM actor_share "
        "WHERE actor_type = 'person' GROUP BY name ORDER BY voice DESC, name LIMIT 5").fetchall()
    lines.append("share of voice among people (their mentions of all people's, all days): "
                 + ", ".join(f"{name} {share:.0%}" for name, share in voice))
    peak = conn.execute("SELECT name, day, articles, round(share_of_articles, 2) FROM actor_share "
                        "ORDER BY share_of_articles DESC, articles DESC, name LIMIT 1").fetchone()
    if peak:
        lines.append(f"highest share of a day's articles: {peak[0]} on {peak[1]} ({peak[2]} articles, {peak[3]:.0%} of the day)")
    alerts = conn.execute("SELECT reason FROM actor_alerts ORDER BY score DESC, day, actor_id LIMIT 5").fetchall()
    total_alerts = conn.execute("SELECT count(*) FROM actor_alerts").fetchone()[0]
    lines.append(f"alerts: {total_alerts}" + (", strongest:" if alerts else ""))
    lines += [f"  {reason}" for (reason,) in alerts]
    spots = conn.execute("SELECT b.blindspot, s.title, b.left_articles, b.center_articles, b.right_articles "
                         "FROM story_blindspots AS b JOIN stories AS s USING (story_id) WHERE b.blindspot IS NOT NULL "
                         "ORDER BY b.articles DESC, s.title").fetchall()
    stories_by_side = conn.execute("SELECT count(*) FILTER (WHERE left_articles > 0 AND right_articles > 0), count(*) "
                                   "FROM story_blindspots").fetchone()
    lines.append(f"coverage by lean: {stories_by_side[0]} of {stories_by_side[1]} stories covered by both sides; "
                 f"blindspots: {len(spots)}")
    lines += [f"  blind to the {side}: {title!r} (left {l}, center {c}, right {r} articles)" for side, title, l, c, r in spots]
    if exports_folder is not None:
        files = sorted(exports_folder.glob("*.parquet")) if exports_folder.exists() else []
        lines.append(f"exports: {len(files)} tables as Parquet and CSV in {exports_folder}" if files
                     else f"exports: none yet in {exports_folder} (make export)")
    return lines
