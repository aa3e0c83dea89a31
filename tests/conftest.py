"""Shared fixtures: a tmp landing folder, a tmp warehouse, resources pointing at them."""

import shutil
from pathlib import Path

import pytest

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
    """The bundled sample landing folder (the project's two seed documents), copied."""
    for path in SAMPLE_LANDING.iterdir():
        shutil.copy2(path, landing / path.name)
    return landing


@pytest.fixture
def resources(tmp_path, landing) -> dict:
    return {
        "landing": LandingResource(path=str(landing)),
        "warehouse": WarehouseResource(path=str(tmp_path / "warehouse" / "media.duckdb")),
        "nlp": NlpResource(),
        "aliases": AliasResource(),
    }
