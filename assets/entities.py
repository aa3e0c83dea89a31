"""Named-entity spans for every article body the warehouse has not analysed yet.

Each distinct body (content_hash) goes through spaCy once, ever: bodies already listed in
`entity_runs` are skipped, and a body in a language the pipeline does not speak gets a
"skipped" run row with the reason instead of spans. Only the components the entity recogniser
needs are loaded, and the pipeline is loaded once per process. The spans are stored raw (every
label, exact offsets); deciding which of them are actors is the `actors` step's job, so that
it can be redone from stored spans without running the model again.
"""

import functools
from pathlib import Path

import dagster as dg
import polars as pl
import spacy
from spacy.language import Language

from assets.preview import frame_markdown
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
def load_pipeline(pipeline: str) -> Language:
    """The spaCy pipeline with only what NER needs, loaded once per process and name."""
    config = spacy.util.load_config(pipeline_config_path(pipeline), interpolate=False)
    keep = components_for_ner(config)
    exclude = [n for n in config["nlp"]["pipeline"] if n not in keep]
    return spacy.load(pipeline, exclude=exclude)


def pipeline_label(nlp: Language) -> str:
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


def extract_spans(
    nlp: Language,
    bodies: pl.DataFrame,
    batch_size: int = 64,
    n_process: int = 1,
) -> dict[str, pl.DataFrame]:
    """Run the entity recogniser over `bodies` (content_hash, language, body): the spans of the
    bodies in the pipeline's language, and one run row per body (analysed or skipped)."""
    label = pipeline_label(nlp)
    # A body with no detected language is analysed: the cleaner leaves it null only for texts
    # too short to tell, where a wrong guess costs nothing.
    speaks = pl.col("language").is_null() | (pl.col("language") == nlp.lang)
    todo = bodies.filter(speaks)
    skipped = bodies.filter(~speaks)

    hashes: list[str] = []
    surfaces: list[str] = []
    labels: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    docs = nlp.pipe(todo["body"].to_list(), batch_size=batch_size, n_process=n_process)
    for content_hash, doc in zip(todo["content_hash"].to_list(), docs):
        for ent in doc.ents:
            hashes.append(content_hash)
            surfaces.append(ent.text)
            labels.append(ent.label_)
            starts.append(ent.start_char)
            ends.append(ent.end_char)
    spans = pl.DataFrame(
        {"content_hash": hashes, "surface": surfaces, "entity_label": labels, "start_char": starts, "end_char": ends},
        schema=SPAN_SCHEMA,
    )
    runs = pl.concat(
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
    return {"spans": spans, "runs": runs}


@dg.asset(group_name="nlp", kinds={"spacy"}, pool="warehouse")
def entity_spans(
    context: dg.AssetExecutionContext,
    cleaned_articles: dict[str, pl.DataFrame],
    nlp: NlpResource,
    warehouse: WarehouseResource,
) -> dg.Output:
    """Named-entity spans (spaCy) of every article body not analysed before, with a run row per
    body: analysed, or skipped with the reason (a language the pipeline does not speak)."""
    articles = cleaned_articles["articles"]
    hashes = articles["content_hash"].drop_nulls().unique().to_list()
    with warehouse.read() as conn:
        known = db.query_frame(
            conn, "SELECT content_hash FROM entity_runs WHERE list_contains(?, content_hash)", [hashes]
        )
    bodies = bodies_to_analyse(articles, set(known["content_hash"].to_list()))
    pipeline = load_pipeline(nlp.pipeline)
    result = extract_spans(pipeline, bodies, batch_size=nlp.batch_size, n_process=nlp.n_process)
    runs = result["runs"]
    by_label = result["spans"].group_by("entity_label").len().sort("len", descending=True)
    context.log.info(f"{runs.height} new bodies, {result['spans'].height} spans with {pipeline_label(pipeline)}")
    return dg.Output(
        result,
        metadata={
            "pipeline": pipeline_label(pipeline),
            "components": ", ".join(pipeline.pipe_names),
            "bodies_analysed": int((runs["status"] == "analysed").sum()),
            "bodies_skipped": int((runs["status"] == "skipped").sum()),
            "bodies_already_known": len(known),
            "spans": result["spans"].height,
            "spans_by_label": dg.MetadataValue.md(frame_markdown(by_label.rename({"len": "spans"}))),
        },
    )
