"""Settings of the analytics steps as Dagster resources: the outlet table analysts edit (and the
blindspot threshold that depends on it), where alerts are delivered, where exports are written.

Each reads its default from an environment variable (README.md, "Settings"); relative paths are
taken from the project root. Nothing is opened here.
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from pipelines.resources import project_path


class OutletsResource(dg.ConfigurableResource):
    """The outlet table analysts edit (country, language, lean and kind of each outlet), and how
    many articles from one side make a story a blindspot of the other."""

    path: str = "warehouse/outlets.csv"
    blindspot_min_articles: int = 3

    @property
    def file(self) -> Path:
        return project_path(self.path)


class AlertsResource(dg.ConfigurableResource):
    """Where new coverage alerts go besides the Dagster UI: a folder of JSON files and/or a
    webhook URL that receives them as a JSON POST. Empty means not delivered there."""

    folder: str = ""
    webhook_url: str = ""
    min_articles: int = 3
    min_score: float = 4.0

    @property
    def folder_path(self) -> Path | None:
        return project_path(self.folder) if self.folder else None


class ExportsResource(dg.ConfigurableResource):
    """The folder exports are written to (Parquet and CSV), and optional saved queries
    (paths of `.sql` files, comma-separated) exported beside the tables."""

    folder: str = "exports"
    queries: str = ""

    @property
    def root(self) -> Path:
        return project_path(self.folder)

    @property
    def query_files(self) -> list[Path]:
        return [project_path(q.strip()) for q in self.queries.split(",") if q.strip()]


def analytics_resources_from_env() -> dict[str, dg.ConfigurableResource]:
    env = os.environ.get
    return {
        "outlet_table": OutletsResource(
            path=env("MEDIA_MONITOR_OUTLETS", "warehouse/outlets.csv"),
            blindspot_min_articles=int(env("MEDIA_MONITOR_BLINDSPOT_MIN_ARTICLES", "3")),
        ),
        "alerts": AlertsResource(
            folder=env("MEDIA_MONITOR_ALERTS_FOLDER", ""),
            webhook_url=env("MEDIA_MONITOR_ALERTS_WEBHOOK", ""),
            min_articles=int(env("MEDIA_MONITOR_ALERT_MIN_ARTICLES", "3")),
            min_score=float(env("MEDIA_MONITOR_ALERT_MIN_SCORE", "4")),
        ),
        "exports": ExportsResource(
            folder=env("MEDIA_MONITOR_EXPORTS", "exports"),
            queries=env("MEDIA_MONITOR_EXPORT_QUERIES", ""),
        ),
    }
