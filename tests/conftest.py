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
