"""Actors: who and what the articles mention, resolved from the stored entity spans.

Every stored span is re-resolved on each run, so editing the alias table (warehouse/aliases.csv)
and re-materialising re-resolves every mention without running the entity recogniser again.
Resolution: clean each span (titles, possessives, line breaks, figures, junk by shape), add
what the recogniser misses in wire copy (all-capital datelines, results tables, known names in
all-capital headlines), group the mentions of one body (short forms to the full name used in the
same text, acronyms the text defines, mixed-case spellings), name the groups across the corpus
(one actor per real entity: dotted and undotted abbreviations, country codes, an offline
gazetteer of places, one type per name, a lone surname to the one full name the corpus knows),
drop junk by context (page furniture of ordinary words, headline fragments, field labels), and
apply the alias table.

Nationality adjectives (spaCy's NORP: "Chinese", "Russian") are not actors, neither of their own
nor as the country: annotated news corpora (CoNLL/AIDA) tag them as adjectives, not as mentions of
the country, and counting "Chinese state media" for China would inflate China's coverage.

Modules: `names` (cleaning, keys, ids, junk by shape), `lexicons` (gazetteer, ordinary words),
`aliases` (the alias table), `candidates` (mentions found in a body), `resolution` (actors).
"""

import os

import dagster as dg

from assets.actors.aliases import read_aliases
from assets.actors.lexicons import load_lexicon
from assets.actors.resolution import actor_table, mentions_for_articles, resolve
from pipelines.resources import AliasResource, NlpResource, WarehouseResource
from warehouse import db


def default_pipeline_name() -> str:
    """The spaCy pipeline whose lexicon the junk rules use: the one the NER step is set to."""
    return os.environ.get("MEDIA_MONITOR_SPACY_PIPELINE", NlpResource().pipeline)


@dg.asset(group_name="nlp", kinds={"duckdb"}, pool="warehouse", deps=["articles"])
def actors(context: dg.AssetExecutionContext, warehouse: WarehouseResource, aliases: AliasResource) -> dg.MaterializeResult:
    """Actors (people, organisations, places) and their mentions, resolved from every stored
    entity span with the alias table; replaces both tables in one transaction."""
    with warehouse.read() as conn:
        spans = db.query_frame(conn, db.read_sql("actors_spans"))
        bodies_frame = db.query_frame(conn, db.read_sql("actors_bodies"))
        articles = db.query_frame(conn, "SELECT article_id, content_hash FROM articles WHERE content_hash IS NOT NULL")
    bodies = dict(bodies_frame.iter_rows())
    body_mentions, actor_names = resolve(
        spans, bodies, read_aliases(aliases.file), load_lexicon(default_pipeline_name())
    )
    mentions = mentions_for_articles(body_mentions, articles)
    table = actor_table(actor_names, mentions)
    with warehouse.write() as conn, db.transaction(conn):
        conn.execute("DELETE FROM mentions")
        conn.execute("DELETE FROM actors")
        db.insert_frame(conn, "actors", table)
        db.insert_frame(conn, "mentions", mentions)
    top = table.sort(["articles", "mentions"], descending=True).head(15)
    preview = "\n".join(
        ["| actor | type | articles | mentions |", "|---|---|---|---|"]
        + [f"| {n} | {t} | {a} | {m} |" for n, t, a, m in top.select("name", "actor_type", "articles", "mentions").iter_rows()]
    )
    context.log.info(f"{table.height} actors, {mentions.height} mentions")
    return dg.MaterializeResult(
        metadata={
            "actors": table.height,
            "mentions": mentions.height,
            "top_actors": dg.MetadataValue.md(preview),
        }
    )
