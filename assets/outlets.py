"""Outlets: country, language, political lean and kind of each outlet that articles name, from
the table analysts edit (`warehouse/outlets.csv`, or `MEDIA_MONITOR_OUTLETS`).

An article's outlet is matched to a row of the file by any of the row's name variants
(compared like actor names: case, accents, dots and a leading "the" do not matter) or, failing
that, by domain (the outlet written as a host name, or the host of the outlet's article urls).
The `outlets` table is rebuilt from the file and the distinct outlets of `articles` on every run,
so an edit applies to every stored article at once, without re-running anything upstream.
"""


from pathlib import Path
from urllib.parse import urlparse

import dagster as dg
import polars as pl

from assets.actors.names import name_key
from assets.edited_csv import read_edited_csv
from assets.preview import frame_markdown
from pipelines.analytics_resources import OutletsResource
from pipelines.resources import WarehouseResource
from warehouse import db

LEANS = ("left", "lean-left", "center", "lean-right", "right")
KINDS = ("wire", "national", "regional", "broadcaster", "aggregator", "blog")
FILE_COLUMNS = ("outlet", "variants", "domains", "country", "language", "lean", "kind")
OUTLETS_SCHEMA = {
    "outlet": pl.String, "name": pl.String, "domain": pl.String, "country": pl.String,
    "language": pl.String, "lean": pl.String, "kind": pl.String, "matched_by": pl.String, "articles": pl.Int64,
}


def read_outlet_table(path: Path) -> pl.DataFrame:
    """The outlet file: outlet, variants and domains (each a `|`-separated list), country
    (ISO 3166-1 alpha-2), language (ISO 639-1), lean, kind; lines starting with # are comments.
    Raises ValueError naming the rows with a lean, kind or country that is not allowed."""
    frame = read_edited_csv(path, list(FILE_COLUMNS)).with_columns(
        pl.col("country").str.to_uppercase(),
        pl.col("language", "lean", "kind", "domains").str.to_lowercase(),
    ).with_columns(pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c) for c in FILE_COLUMNS)
    bad = frame.filter(
        pl.col("outlet").is_null()
        | (pl.col("lean").is_not_null() & ~pl.col("lean").is_in(LEANS))
        | (pl.col("kind").is_not_null() & ~pl.col("kind").is_in(KINDS))
        | (pl.col("country").is_not_null() & ~pl.col("country").str.contains(r"^[A-Z]{2}$"))
    )
    if bad.height:
        raise ValueError(f"outlet table {path}: empty outlet, or lean not one of {LEANS}, kind not one of {KINDS}, "
                         f"or country not two letters, in rows {bad.select('outlet', 'country', 'lean', 'kind').rows()}")
    return frame


def host_of(text: str | None) -> str | None:
    """The host name of a url or of an outlet written as a domain, without `www.`; else None."""
    if not text or " " in text.strip() or "." not in text:
        return None
    host = urlparse(text if "//" in text else "//" + text.strip()).hostname
    return host.removeprefix("www.") if host else None


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split("|") if v.strip()]


def match_outlets(table: pl.DataFrame, observed: pl.DataFrame) -> pl.DataFrame:
    """One row per observed outlet (columns outlet, host, articles: the outlet as written in
    articles, the commonest host of its urls, its article count) with the attributes of the
    file row it matches: by name variant first, then by domain. Unmatched outlets keep NULLs,
    so the table also lists what the file does not cover yet."""
    by_name: dict[str, dict] = {}
    by_domain: dict[str, dict] = {}
    for row in table.iter_rows(named=True):
        for variant in [row["outlet"], *_split(row["variants"])]:
            by_name.setdefault(name_key(variant), row)
        for domain in _split(row["domains"]):
            by_domain.setdefault(domain.removeprefix("www."), row)

    def domain_row(host: str | None) -> dict | None:
        # news.example.com matches a row for example.com
        parts = (host or "").split(".")
        for i in range(len(parts) - 1):
            if ".".join(parts[i:]) in by_domain:
                return by_domain[".".join(parts[i:])]
        return None

    rows = []
    for outlet, host, articles in observed.select("outlet", "host", "articles").iter_rows():
        row, how = by_name.get(name_key(outlet)), "name"
        if row is None:
            row, how = domain_row(host_of(outlet)) or domain_row(host), "domain"
        first_domain = (_split(row["domains"]) or [None])[0] if row else None
        rows.append({
            "outlet": outlet, "name": row["outlet"] if row else None,
            "domain": first_domain or host_of(outlet) or host,
            **{c: row[c] if row else None for c in ("country", "language", "lean", "kind")},
            "matched_by": how if row else None, "articles": articles,
        })
    return pl.DataFrame(rows, schema=OUTLETS_SCHEMA).sort("outlet")


def observed_outlets(hosts: pl.DataFrame) -> pl.DataFrame:
    """From (outlet, host, articles) rows grouped in SQL: per outlet, the commonest url host
    and the article count."""
    commonest = (hosts.filter(pl.col("host").is_not_null()).group_by("outlet", "host").agg(pl.col("articles").sum())
                 .sort(["outlet", "articles", "host"], descending=[False, True, False])
                 .group_by("outlet", maintain_order=True).first().select("outlet", "host"))
    totals = hosts.group_by("outlet").agg(pl.col("articles").sum())
    return totals.join(commonest, on="outlet", how="left").sort("outlet")


@dg.asset(group_name="analytics", kinds={"duckdb"}, deps=["cleaned_articles"])
def outlets(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
            outlet_table: OutletsResource) -> dg.MaterializeResult:
    """Every outlet of `articles` with its country, language, lean and kind from the outlet file
    analysts edit (matched by name variant or domain); outlets the file does not cover have NULLs."""
    table = read_outlet_table(outlet_table.file)
    with warehouse.write() as conn, db.transaction(conn):
        # Rebuilt only when the articles' outlets and urls, the outlet file's rows or this
        # module's matching rules changed since the last build.
        inputs = db.inputs_fingerprint(conn, "outlets_inputs", table.rows(), Path(__file__).read_text(encoding="utf-8"))
        rebuilt = db.built_from(conn, "outlets") != inputs
        if rebuilt:
            grouped = db.query_frame(conn, db.read_sql("outlets_observed"))
            matched = match_outlets(table, observed_outlets(grouped))
            conn.execute("DELETE FROM outlets")
            db.insert_frame(conn, "outlets", matched)
            db.record_build(conn, "outlets", inputs)
        else:
            matched = db.query_frame(conn, f"SELECT {', '.join(OUTLETS_SCHEMA)} FROM outlets ORDER BY outlet").cast(OUTLETS_SCHEMA)
    unmatched = matched.filter(pl.col("matched_by").is_null())
    return dg.MaterializeResult(metadata={
        "outlets": matched.height, "rebuilt": rebuilt, "matched": matched.height - unmatched.height, "file_rows": table.height,
        "file": dg.MetadataValue.path(str(outlet_table.file)),
        "by_lean": dg.MetadataValue.md(frame_markdown(
            matched.group_by("lean").agg(pl.len().alias("outlets"), pl.col("articles").sum())
            .sort(["articles", "lean"], descending=[True, False], nulls_last=True))),
        "outlets_table": dg.MetadataValue.md(frame_markdown(
            matched.sort("articles", descending=True).head(30).drop("name"))),
        "not_in_file": dg.MetadataValue.md(frame_markdown(unmatched.sort("articles", descending=True).head(20)
                                                          .select("outlet", "domain", "articles"))),
    })
