"""Actors: who and what the articles mention, resolved from the stored entity spans.

Mentions are resolved from the stored spans, so editing the alias table (warehouse/aliases.csv)
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

Resolution is cached per body (content_hash) in the warehouse, so that a run resolves only the
bodies it has not seen: the first pass (candidates, junk by shape, alias table) depends on the
body alone; the second (headline fragments, capitals lines, within the body) also on a little of
the corpus (names written in mixed case, names known for capitals lines, acronyms defined once),
and each body records what it read, so that a body whose reading has changed is resolved again.
The steps across the corpus then run over distinct mention signatures, which grow with the
vocabulary rather than with the mentions, and mentions and actors are rebuilt in SQL. Editing
the alias table (or the rules in this package) clears the cache: the next run re-resolves every
stored body, without NER.
"""

import hashlib
import os
from pathlib import Path

import dagster as dg
import polars as pl

from assets.actors.aliases import alias_rules, read_aliases
from assets.actors.lexicons import load_gazetteer, load_lexicon
from assets.actors.resolution import (
    combine_signatures,
    contributions_frame,
    corpus_state,
    first_pass,
    CONTRIBUTION_SCHEMA,
    resolve_signatures,
    second_passes,
    signature_frame,
    split_spans,
)
from assets.preview import frame_markdown
from pipelines.resources import AliasResource, NlpResource, WarehouseResource
from warehouse import db


def default_pipeline_name() -> str:
    """The spaCy pipeline whose lexicon the junk rules use: the one the NER step is set to."""
    return os.environ.get("MEDIA_MONITOR_SPACY_PIPELINE", NlpResource().pipeline)


def cache_fingerprint(aliases: pl.DataFrame, pipeline: str) -> str:
    """What cached resolutions depend on besides the bodies: the alias table, the lexicon's
    pipeline, and the rules themselves (the source of this package, so that a change to the
    rules resolves every body again without anyone having to remember to clear the cache)."""
    digest = hashlib.sha256(f"{pipeline}\x1f{aliases.write_csv()}".encode())
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()


def hashes(values) -> pl.DataFrame:
    return pl.DataFrame({"content_hash": sorted(values)}, schema={"content_hash": pl.String})


def read_bodies(conn, wanted: pl.DataFrame) -> tuple[dict[str, str], dict[str, pl.DataFrame]]:
    """Bodies and their spans for the content hashes of `wanted`."""
    conn.register("wanted", wanted.to_arrow())
    try:
        bodies = dict(db.query_frame(conn, db.read_sql("actors_bodies")).iter_rows())
        spans = split_spans(db.query_frame(conn, db.read_sql("actors_spans")))
    finally:
        conn.unregister("wanted")
    return bodies, spans


@dg.asset(group_name="nlp", kinds={"duckdb"}, deps=["entity_spans", "cleaned_articles"])
def actors(context: dg.AssetExecutionContext, warehouse: WarehouseResource, aliases: AliasResource) -> dg.MaterializeResult:
    """Actors (people, organisations, places) and their mentions, resolved from the stored entity
    spans with the alias table (bodies not seen before resolved, the rest from the cache); in
    one transaction, rewrites the mentions of the articles affected and rebuilds `actors`."""
    alias_table = read_aliases(aliases.file)
    pipeline = default_pipeline_name()
    rules, lexicon = alias_rules(alias_table), load_lexicon(pipeline)
    gaz = load_gazetteer().with_lexicon(lexicon)
    fingerprint = cache_fingerprint(alias_table, pipeline)

    # What is new: bodies analysed since the last run (all of them when the cache is cleared).
    with warehouse.write() as conn:
        stored = conn.execute("SELECT fingerprint FROM actor_cache_settings").fetchall()
        analysed = set(db.query_frame(conn, db.read_sql("actors_analysed"))["content_hash"].to_list())
        cached = set()
        if stored == [(fingerprint,)]:
            cached = set(db.query_frame(conn, "SELECT content_hash FROM actor_local_bodies")["content_hash"].to_list())
        new, kept = analysed - cached, analysed & cached
        bodies, spans = read_bodies(conn, hashes(new))
        cached_contributions = pl.DataFrame(schema=CONTRIBUTION_SCHEMA)
        if kept:
            conn.register("kept", hashes(kept).to_arrow())
            cached_contributions = db.query_frame(conn, db.read_sql("actors_contributions"))
            conn.unregister("kept")
    firsts = {ch: first_pass(ch, bodies[ch], spans.get(ch), rules, gaz) for ch in sorted(new)}
    new_contributions = contributions_frame(firsts, bodies, gaz)
    state = corpus_state(pl.concat([cached_contributions, new_contributions], how="vertical_relaxed"), rules, gaz, lexicon)

    # Cached bodies whose resolution read something the corpus now says otherwise.
    stale, stale_bodies, stale_spans = set(), {}, {}
    cached_signatures = pl.DataFrame()
    if kept:
        with warehouse.write() as conn:
            conn.register("corpus_state", state.frame().to_arrow())
            conn.register("kept", hashes(kept).to_arrow())
            stale = set(db.query_frame(conn, db.read_sql("actors_stale"))["content_hash"].to_list())
            conn.unregister("kept")
            conn.unregister("corpus_state")
            stale_bodies, stale_spans = read_bodies(conn, hashes(stale))
            conn.register("kept", hashes(kept - stale).to_arrow())
            cached_signatures = db.query_frame(conn, db.read_sql("actors_signatures"))
            conn.unregister("kept")
    bodies.update(stale_bodies)
    for ch in sorted(stale):
        firsts[ch] = first_pass(ch, bodies[ch], stale_spans.get(ch), rules, gaz)
    stale_contributions = contributions_frame({ch: firsts[ch] for ch in stale}, bodies, gaz)
    local, reads = second_passes(dict(sorted(firsts.items())), bodies, state, rules, gaz)
    signatures = combine_signatures(cached_signatures, signature_frame(local))
    resolutions = resolve_signatures(signatures, rules, gaz, lexicon, state.table_rows)

    resolved = {ch: 0 for ch in firsts}
    for ch, count in local.group_by("content_hash").len().iter_rows():
        resolved[ch] = count
    resolved_bodies = pl.DataFrame(
        list(resolved.items()), schema={"content_hash": pl.String, "mentions": pl.Int32}, orient="row"
    )
    redo = hashes(firsts) if stored == [(fingerprint,)] else None
    with warehouse.write() as conn, db.transaction(conn):
        if redo is None:  # alias table or settings changed: nothing cached holds
            for table in ("actor_cache_settings", "actor_local_bodies", "actor_local_mentions",
                          "actor_local_contributions", "actor_local_reads"):
                conn.execute(f'DELETE FROM "{table}"')  # our own table names, not input
            conn.execute("INSERT INTO actor_cache_settings VALUES (?)", [fingerprint])
        else:
            # Bodies gone from the warehouse, and those resolved again, leave the cache.
            conn.register("redo", redo.to_arrow())
            conn.register("analysed", hashes(analysed).to_arrow())
            for table in ("actor_local_bodies", "actor_local_mentions", "actor_local_contributions", "actor_local_reads"):
                conn.execute(
                    f'DELETE FROM "{table}" WHERE content_hash IN (SELECT content_hash FROM redo) '
                    "OR content_hash NOT IN (SELECT content_hash FROM analysed)"
                )
            conn.unregister("redo")
            conn.unregister("analysed")
        db.insert_frame(conn, "actor_local_bodies", resolved_bodies)
        db.insert_frame(conn, "actor_local_mentions", local)
        db.insert_frame(conn, "actor_local_contributions", pl.concat([new_contributions, stale_contributions]))
        db.insert_frame(conn, "actor_local_reads", reads)
        with db.registered(conn, _resolutions=resolutions, _resolved_hashes=hashes(firsts)):
            affected = conn.execute(db.read_sql("actors_publish")).fetchone()[0]
        actor_count, mention_count = conn.execute("SELECT (SELECT count(*) FROM actors), (SELECT count(*) FROM actor_mentions)").fetchone()
        top = db.query_frame(
            conn, "SELECT name, actor_type, articles, mentions FROM actors ORDER BY articles DESC, mentions DESC, actor_id LIMIT 15"
        )
    preview = frame_markdown(top)
    context.log.info(
        f"{actor_count} actors, {mention_count} mentions; {len(new)} new and {len(stale)} stale bodies resolved, "
        f"{len(kept - stale)} from the cache, {signatures.height} signatures; mentions of {affected} articles rewritten"
    )
    return dg.MaterializeResult(
        metadata={
            "actors": actor_count,
            "mentions": mention_count,
            "bodies_resolved": len(firsts),
            "bodies_stale": len(stale),
            "bodies_cached": len(kept - stale),
            "signatures": signatures.height,
            "articles_rewritten": affected,
            "top_actors": dg.MetadataValue.md(preview),
        }
    )
