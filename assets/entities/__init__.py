"""Named-entity spans for every article body the warehouse has not analysed yet.

Each distinct body (content_hash) goes through spaCy once, ever: bodies already listed in
`entity_runs` are skipped, and a body in a language the pipeline does not speak gets a
"skipped" run row with the reason instead of spans. Only the components the entity recogniser
needs are loaded, and the pipeline is loaded once per process. The spans are stored raw (every
label, exact offsets); deciding which of them are actors is the `actors` step's job, so that
it can be redone from stored spans without running the model again.

On several processes (setting MEDIA_MONITOR_NLP_PROCESSES) the bodies go to the run's entity
workers (`workers.py`): the clean step starts them when it has articles to clean, so they load
the model while cleaning runs, and they send back spans rather than whole Docs.

With several entity workers (setting MEDIA_MONITOR_ENTITY_WORKERS, on a DuckLake warehouse) the
asset is a graph of one op per worker: worker k takes the pending bodies whose content hash
falls in share k (`share_of`), so the shares are disjoint and the same on every re-run, and
commits its own chunks to the lake while the others do the same; the executor runs the workers
in parallel processes (or on Celery workers on other machines). See README, "Past one machine".
"""

import functools
import os
import resource
import time
import zlib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

import dagster as dg
import polars as pl

if TYPE_CHECKING:  # spaCy itself is imported where it is used: it costs about a second at every process start
    from spacy.language import Language

from assets.entities.workers import Entity, PipelineInfo, entities_of
from assets.preview import frame_markdown
from assets.progress import Progress, chunked
from pipelines.resources import NlpResource, WarehouseResource
from warehouse import db

SPAN_SCHEMA = {
    "content_hash": pl.String,
    "surface": pl.String,
    "entity_label": pl.String,
    "start_char": pl.Int32,
    "end_char": pl.Int32,
}
RUN_SCHEMA = {"content_hash": pl.String, "pipeline": pl.String, "status": pl.String, "reason": pl.String}

# Components that add entities of their own, kept whenever the pipeline has them.
ENTITY_FACTORIES = {"ner", "entity_ruler", "span_ruler", "beam_ner"}


def pipeline_config_path(pipeline: str) -> Path:
    """Where the config of an installed spaCy package, or of a pipeline folder, lives."""
    import spacy

    path = Path(pipeline).expanduser()
    if not path.exists():
        if not spacy.util.is_package(pipeline):
            raise FileNotFoundError(
                f"spaCy pipeline {pipeline!r} is neither an installed package nor a folder; "
                "install the model package into the environment (it is never downloaded at run time)"
            )
        path = spacy.util.get_package_path(pipeline)
    candidates = [path / "config.cfg", *sorted(path.glob("*/config.cfg"))]
    for candidate in candidates:
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"no config.cfg found for spaCy pipeline {pipeline!r} under {path}")


def components_for_ner(config: dict) -> set[str]:
    """The pipeline components that entity recognition needs: the entity components and the
    shared embedding layers they listen to (en_core_web_sm's `ner` has its own, so only `ner`)."""
    components = config["components"]
    names = list(config["nlp"]["pipeline"])
    keep = {n for n in names if components.get(n, {}).get("factory") in ENTITY_FACTORIES}
    for name in list(keep):
        tok2vec = components[name].get("model", {}).get("tok2vec", {})
        if "Listener" in str(tok2vec.get("@architectures", "")):
            upstream = tok2vec.get("upstream", "*")
            embedders = {n for n in names if components.get(n, {}).get("factory") in {"tok2vec", "transformer"}}
            keep |= embedders if upstream == "*" else {upstream}
    if not keep:
        raise ValueError("the spaCy pipeline has no entity recogniser")
    return keep


@functools.lru_cache(maxsize=4)
def load_pipeline(pipeline: str) -> "Language":
    """The spaCy pipeline with only what NER needs, loaded once per process and name."""
    import spacy

    config = spacy.util.load_config(pipeline_config_path(pipeline), interpolate=False)
    keep = components_for_ner(config)
    exclude = [n for n in config["nlp"]["pipeline"] if n not in keep]
    return spacy.load(pipeline, exclude=exclude)


def pipeline_label(nlp: "Language") -> str:
    """"<package name> <version>", as recorded in entity_runs.pipeline."""
    meta = nlp.meta
    return f"{meta.get('lang', '')}_{meta.get('name', '')} {meta.get('version', '')}".strip()


def bodies_to_analyse(articles: pl.DataFrame, known_hashes: set[str]) -> pl.DataFrame:
    """One row per distinct content_hash not analysed before: content_hash, language, body."""
    return (
        articles.filter(pl.col("content_hash").is_not_null() & ~pl.col("content_hash").is_in(list(known_hashes)))
        .unique(subset="content_hash", keep="first", maintain_order=True)
        .select("content_hash", "language", pl.col("body").fill_null(""))
    )


def run_rows(bodies: pl.DataFrame, todo: pl.DataFrame, label: str) -> pl.DataFrame:
    """One entity_runs row per body: analysed (in `todo`), else skipped with the reason."""
    skipped = bodies.join(todo.select("content_hash"), on="content_hash", how="anti")
    return pl.concat(
        [
            todo.select(
                "content_hash",
                pl.lit(label).alias("pipeline"),
                pl.lit("analysed").alias("status"),
                pl.lit(None, dtype=pl.String).alias("reason"),
            ),
            skipped.select(
                "content_hash",
                pl.lit(label).alias("pipeline"),
                pl.lit("skipped").alias("status"),
                pl.format("no spaCy pipeline installed for language '{}'", pl.col("language")).alias("reason"),
            ),
        ]
    ).cast(RUN_SCHEMA)


def extract_spans(
    nlp: "Language",
    bodies: pl.DataFrame,
    batch_size: int = 64,
    n_process: int = 1,
) -> dict[str, pl.DataFrame]:
    """Run the entity recogniser over `bodies` (content_hash, language, body): the spans of the
    bodies in the pipeline's language, and one run row per body (analysed or skipped)."""
    return next(stream_spans(nlp, iter([bodies]), batch_size=batch_size, n_process=n_process))


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def stream_spans(
    nlp: "Language", chunks: Iterator[pl.DataFrame], batch_size: int = 64, n_process: int = 1
) -> Iterator[dict[str, pl.DataFrame]]:
    """`extract_spans` over a stream of chunks of bodies (content_hash, language, body), one
    result per chunk, through ONE `nlp.pipe`: with several processes the workers and their
    model stay up for the whole stream instead of starting again for every chunk."""
    return spans_by_chunk(lambda texts: entities_of(nlp.pipe(texts, batch_size=batch_size, n_process=n_process)),
                          nlp.lang, pipeline_label(nlp), chunks)


def spans_by_chunk(entities: Callable[[Iterator[str]], Iterator[list[Entity]]], lang: str, label: str,
                   chunks: Iterator[pl.DataFrame]) -> Iterator[dict[str, pl.DataFrame]]:
    """The spans and run rows of each chunk of bodies, the entities coming from `entities` (one
    list per text, in order: `nlp.pipe` in this process, or `EntityWorkers.pipe`) over one
    stream of the bodies that the pipeline's language `lang` covers. `entities` is called at
    once: the entity workers start on the first bodies before the first result is asked for."""
    # A body with no detected language is analysed: the cleaner leaves it null only for texts
    # too short to tell, where a wrong guess costs nothing.
    queue: list[tuple[pl.DataFrame, pl.DataFrame]] = []  # (chunk, bodies spaCy analyses)

    def texts() -> Iterator[str]:
        for chunk in chunks:
            speaks = pl.col("language").is_null() | (pl.col("language") == lang)
            todo = chunk.filter(speaks)
            queue.append((chunk, todo))
            yield from todo["body"].fill_null("").to_list()

    def result(chunk: pl.DataFrame, todo: pl.DataFrame, found: list[list[Entity]]) -> dict[str, pl.DataFrame]:
        rows = [(h, *entity) for h, ents in zip(todo["content_hash"].to_list(), found) for entity in ents]
        spans = pl.DataFrame(rows, schema=SPAN_SCHEMA, orient="row")
        return {"spans": spans, "runs": run_rows(chunk, todo, label)}

    return _chunk_results(entities(texts()), queue, result)


def _chunk_results(found_by_text: Iterator[list[Entity]], queue: list, result: Callable) -> Iterator[dict[str, pl.DataFrame]]:
    found: list[list[Entity]] = []
    for ents in found_by_text:
        found.append(ents)
        # Chunks whose bodies all came back (chunks with nothing to analyse included).
        while queue and len(found) >= queue[0][1].height:
            chunk, todo = queue.pop(0)
            yield result(chunk, todo, found[: todo.height])
            found = found[todo.height:]
    while queue:  # trailing chunks with nothing for spaCy
        chunk, todo = queue.pop(0)
        yield result(chunk, todo, found[: todo.height])
        found = found[todo.height:]


def _cpu_seconds() -> float:
    """Processor time of this process and its finished children (entity workers once closed)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def share_of(content_hash: str, shares: int) -> int:
    """Which of `shares` workers analyses a body: a stable hash of its content hash, the same
    in every process, machine and run."""
    return zlib.crc32(content_hash.encode("utf-8")) % shares


@dataclass
class EntityStream:
    """The pending bodies on their way through spaCy: `results` gives each chunk's spans and
    run rows, in the order of `pending`."""

    pending: list[str]
    chunks: int
    info: PipelineInfo
    processes: int
    results: Iterator[dict[str, pl.DataFrame]]


def pending_bodies(warehouse: WarehouseResource, share: tuple[int, int] | None = None) -> list[str]:
    """Content hashes of the bodies not analysed yet (with `share` = (k, n): of share k of n)."""
    with warehouse.write() as conn:
        pending = db.query_frame(conn, db.read_sql("entities_pending"))["content_hash"].to_list()
    if share is not None:
        pending = [h for h in pending if share_of(h, share[1]) == share[0]]
    return pending


def open_stream(nlp: NlpResource, warehouse: WarehouseResource, pending: list[str], processes: int) -> EntityStream:
    """Start `pending` through spaCy: on the run's entity workers when there are several
    processes (started ahead by the clean step, or now), else in this process."""
    batches = chunked(pending, warehouse.chunk_size)

    def chunks() -> Iterator[pl.DataFrame]:
        for hashes in batches:
            with warehouse.write() as conn:
                yield db.query_frame(conn, db.read_sql("entities_bodies", hashes=hashes))

    workers = nlp.entity_workers(processes)
    if workers is None:
        pipeline = load_pipeline(nlp.pipeline)
        info = PipelineInfo(pipeline.lang, pipeline_label(pipeline), tuple(pipeline.pipe_names))

        def entities(texts: Iterator[str]) -> Iterator[list[Entity]]:
            return entities_of(pipeline.pipe(texts, batch_size=nlp.batch_size))
    else:
        info, entities, processes = workers.info(), workers.pipe, workers.processes
    return EntityStream(pending, len(batches), info, processes, spans_by_chunk(entities, info.lang, info.label, chunks()))


def begin_ahead(nlp: NlpResource, warehouse: WarehouseResource) -> None:
    """Start the pending bodies through the entity workers started ahead, if any, so that spaCy
    works while the steps between cleaning and the entity step run; the entity step takes the
    stream over when its pending bodies are still these (`NlpResource.take_stream`). The
    batches are those the entity step would send itself, so the spans are the same."""
    if nlp.has_workers():
        pending = pending_bodies(warehouse)
        if pending:
            nlp.keep_stream(open_stream(nlp, warehouse, pending, nlp.processes(len(pending))))


def extract_pending(context, nlp: NlpResource, warehouse: WarehouseResource, share: tuple[int, int] | None = None,
                    processes: int | None = None) -> dict:
    """Analyse the bodies not analysed yet (with `share` = (k, n): only those of share k of n),
    committing chunk by chunk; returns the step's metadata."""
    pending = pending_bodies(warehouse, share)
    stage = "entities"
    if share is not None:
        k, n = share
        stage = f"entities (worker {k} of {n})"
        context.log.info(f"entity worker {k} of {n} in process {os.getpid()}: {len(pending)} bodies pending in its share")
    if not pending:
        nlp.close_workers()
        context.log.info("no new bodies to analyse")
        return {"bodies_analysed": 0, "bodies_skipped": 0, "spans": 0}
    begun = nlp.take_stream(pending)
    stream = begun or open_stream(nlp, warehouse, pending, processes or nlp.processes(len(pending)))
    info, processes = stream.info, stream.processes
    context.log.info(f"{len(pending)} new bodies in {stream.chunks} chunks, {info.label} on {processes} process(es)")
    progress = Progress(context.log, stage, len(pending), stream.chunks, unit="bodies")

    analysed = skipped = spans = 0
    started, cpu_started = time.monotonic(), _cpu_seconds()
    labels: Counter = Counter()
    for result in stream.results:
        runs = result["runs"].with_columns(pl.lit(_now()).alias("analysed_at"))
        with warehouse.write() as conn, db.transaction(conn):
            with db.registered(conn, _runs=runs, _spans=result["spans"]):
                conn.execute(db.read_sql("entities_write_chunk"))
        analysed += int((runs["status"] == "analysed").sum())
        skipped += int((runs["status"] == "skipped").sum())
        spans += result["spans"].height
        labels.update(result["spans"]["entity_label"].to_list())
        progress.step(runs.height)
    nlp.close_workers()  # the rest of the run has no use for them or their memory
    by_label = pl.DataFrame(sorted(labels.items(), key=lambda kv: -kv[1]), schema={"entity_label": pl.String, "spans": pl.Int64}, orient="row")
    wall, cpu = time.monotonic() - started, _cpu_seconds() - cpu_started
    # Processor time says what a worker costs whatever else the machine runs (sizing).
    context.log.info(f"{stage}: {analysed + skipped} bodies in {wall:.1f} s wall, {cpu:.1f} s processor time")
    return {
        "pipeline": info.label,
        "components": ", ".join(info.components),
        "processes": processes,
        "begun_ahead": begun is not None,
        "bodies_analysed": analysed,
        "bodies_skipped": skipped,
        "spans": spans,
        "spans_by_label": dg.MetadataValue.md(frame_markdown(by_label)),
    }


@dg.asset(group_name="nlp", kinds={"spacy", "duckdb"}, deps=["cleaned_articles"])
def entity_spans(context: dg.AssetExecutionContext, nlp: NlpResource, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Named-entity spans (spaCy) of every distinct article body not analysed before
    (`entity_spans`), with a row per body in `entity_runs`: analysed, or skipped with the reason
    (a language the pipeline does not speak). Bodies stream through the run's entity workers on
    every core (setting MEDIA_MONITOR_NLP_PROCESSES) and commit chunk by chunk."""
    return dg.MaterializeResult(metadata=extract_pending(context, nlp, warehouse))


def entity_spans_in_workers(workers: int) -> dg.AssetsDefinition:
    """`entity_spans` as `workers` ops that run at once, each on its own share of the pending
    bodies, committing its own chunks, then one op that closes the step. Each worker runs
    spaCy in one process unless MEDIA_MONITOR_NLP_PROCESSES says otherwise: the workers are
    the parallelism."""

    def worker_op(k: int) -> dg.OpDefinition:
        @dg.op(name=f"entity_worker_{k}", ins={"start": dg.In(dg.Nothing)}, out=dg.Out(dg.Nothing),
               # Started before the other steps that are ready at the same time (dedup, outlets,
               # checks): the workers are the long step, and they should run side by side.
               tags={"media_monitor/entity_worker": str(k), "dagster/priority": "10"})
        def entity_worker(context: dg.OpExecutionContext, nlp: NlpResource, warehouse: WarehouseResource) -> None:
            metadata = extract_pending(context, nlp, warehouse, share=(k, workers), processes=nlp.n_process or 1)
            context.log.info(f"entity worker {k} of {workers} done: {metadata['bodies_analysed']} bodies analysed, "
                             f"{metadata['spans']} spans")

        return entity_worker

    @dg.op(name="entity_workers_done", ins={f"worker_{k}": dg.In(dg.Nothing) for k in range(workers)},
           out=dg.Out(dg.Nothing))
    def entity_workers_done(context: dg.OpExecutionContext, warehouse: WarehouseResource) -> None:
        with warehouse.read() as conn:
            bodies, analysed, skipped = conn.execute(
                "SELECT count(*), count(*) FILTER (WHERE status = 'analysed'), count(*) FILTER (WHERE status = 'skipped') "
                "FROM entity_runs").fetchone()
            spans = conn.execute("SELECT count(*) FROM entity_spans").fetchone()[0]
        context.add_output_metadata({"workers": workers, "bodies_stored": bodies, "bodies_analysed_stored": analysed,
                                     "bodies_skipped_stored": skipped, "spans_stored": spans})

    workers_ops = [worker_op(k) for k in range(workers)]

    @dg.graph_asset(name="entity_spans", group_name="nlp", kinds={"spacy", "duckdb"},
                    ins={"cleaned_articles": dg.AssetIn(dagster_type=dg.Nothing)},
                    description=(f"Named-entity spans (spaCy) of every distinct article body not analysed before, "
                                 f"by {workers} entity workers at once, each on its share of the bodies."))
    def entity_spans_graph(cleaned_articles):
        return entity_workers_done(**{f"worker_{k}": op(start=cleaned_articles) for k, op in enumerate(workers_ops)})

    return entity_spans_graph
