"""`make ui` serves the project: the real Dagster webserver over workspace.yaml lists the assets."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.conftest import PROJECT_ROOT

QUERY = '{ assetNodes { assetKey { path } } }'


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_webserver_serves_the_asset_graph(tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("dagster-webserver")), "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=PROJECT_ROOT, env=dict(os.environ, DAGSTER_HOME=str(home)),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        keys = None
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and keys is None:
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/graphql", data=json.dumps({"query": QUERY}).encode(),
                    headers={"Content-Type": "application/json"})
                with urllib.request.urlopen(request, timeout=10) as response:
                    nodes = json.load(response)["data"]["assetNodes"]
                    if nodes:
                        keys = {"/".join(node["assetKey"]["path"]) for node in nodes}
            except (OSError, KeyError, TypeError):
                time.sleep(1)
        assert keys is not None, "the webserver did not answer"
        assert {"raw_articles", "cleaned_articles", "actors", "actor_coverage", "analyst_snapshot"} <= keys
    finally:
        server.terminate()
        server.wait(timeout=30)
