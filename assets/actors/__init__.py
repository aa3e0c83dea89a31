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
`aliases` (the alias table), `candidates` (mentions found in a body), `resolution` (actors),
`chunks` (the step a chunk of bodies at a time).

Resolution is cached per body (content_hash) in the warehouse, so that a run resolves only the
bodies it has not seen: the first pass (candidates, junk by shape, alias table) depends on the
body alone; the second (headline fragments, capitals lines, within the body) also on a little of
the corpus (names written in mixed case, names known for capitals lines, acronyms defined once),
and each body records what it read, so that a body whose reading has changed is resolved again.
The bodies to resolve are read in chunks (`warehouse.chunk_size`) twice: first passes and what
they tell the corpus, added up (the first passes wait on disk); then, given the corpus state,
second passes, each chunk's rows for the cache committed with the chunk (and the chunk listed in
`actor_unpublished`), so the step's memory holds a chunk, not the corpus, and a run killed
half-way keeps the chunks it resolved: they are cached, as an earlier run's bodies are.
The steps across the corpus then run over distinct mention signatures, which grow with the
vocabulary rather than with the mentions, and the mentions of every unpublished body's articles
and `actors` are rebuilt in SQL, in one transaction. Editing
the alias table (or the rules in this package) clears the cache: the next run re-resolves every
stored body, without NER.
"""

import hashlib
import os
import tempfile
from pathlib import Path

import dagster as dg
import polars as pl

from assets.actors.aliases import AliasRules, alias_rules, read_aliases
from assets.actors.candidates import Mention
from assets.actors.chunks import Spill, publish
from assets.actors.lexicons import Gazetteer, load_gazetteer, load_lexicon
from assets.actors.resolution import (
    CONTRIBUTION_SCHEMA,
    CorpusState,
    combine_signatures,
    contribution_totals,
    contributions_frame,
    corpus_state,
    first_pass,
    first_pass_frame,
    first_passes_from_frame,
    resolve_signatures,
    second_passes,
    signature_frame,
    split_spans,
)
from assets.preview import frame_markdown
from assets.progress import chunked
from pipelines.resources import AliasResource, NlpResource, WarehouseResource
from warehouse import db

# The cache tables: what each body resolved to, what it tells the corpus and what it read of it.
CACHE_TABLES = ("actor_local_bodies", "actor_local_mentions", "actor_local_contributions", "actor_local_reads")


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


def read_bodies(conn, content_hashes: list[str]) -> dict[str, str]:
    """The bodies of a chunk of content hashes."""
    return dict(db.query_frame(conn, db.read_sql("actors_bodies", conn, wanted=content_hashes)).iter_rows())


def first_passes(
    warehouse: WarehouseResource, content_hashes: list[str], rules: AliasRules, gaz: Gazetteer
) -> tuple[dict[str, str], dict[str, list[Mention]]]:
    """A chunk's bodies and their first passes, from the bodies and their stored spans."""
    with warehouse.write() as conn:
        bodies = read_bodies(conn, content_hashes)
        spans = split_spans(db.query_frame(conn, db.read_sql("actors_spans", conn, wanted=content_hashes)))
    return bodies, {ch: first_pass(ch, bodies[ch], spans.get(ch), rules, gaz) for ch in content_hashes}


def second_passes_cached(
    warehouse: WarehouseResource, contributions: pl.DataFrame, bodies: dict[str, str], firsts: dict[str, list[Mention]],
    state: CorpusState, rules: AliasRules, gaz: Gazetteer, cached: bool,
) -> pl.DataFrame:
    """A chunk's second passes, committed to the cache tables with the chunk's `contributions`
    and listed as unpublished, in one transaction; returns the signatures of its mentions.
    `cached`: the bodies are in the cache already (resolved again), and their rows are replaced.
    New bodies have none (a chunk's rows are committed together), so their chunks do not look."""
    local, reads = second_passes(firsts, bodies, state, rules, gaz)
    counts = dict(local.group_by("content_hash").len().iter_rows())
    rows = {
        "actor_local_bodies": pl.DataFrame(
            {"content_hash": list(firsts), "mentions": [counts.get(ch, 0) for ch in firsts]},
            schema={"content_hash": pl.String, "mentions": pl.Int32},
        ),
        "actor_local_mentions": local,
        "actor_local_contributions": contributions,
        "actor_local_reads": reads,
    }
    chunk = list(firsts)
    with warehouse.write() as conn, db.transaction(conn):
        for table, frame in rows.items():
            if cached:  # our own table names, not input
                conn.execute(f'DELETE FROM "{table}" WHERE content_hash IN {db.in_list(chunk)}')
            db.insert_frame(conn, table, frame)
        db.insert_frame(conn, "actor_unpublished", hashes(chunk))
    # What DuckDB cached to write the chunk goes back before the next one, so that the blocks
    # of a first load's chunks do not pile up in its buffer pool (docs/performance.md).
    warehouse.release_memory()
    return signature_frame(local)


def _published(conn) -> tuple[int, int, pl.DataFrame]:
    """How many actors and mentions the warehouse holds, and the leading actors."""
    actor_count, mention_count = conn.execute("SELECT (SELECT count(*) FROM actors), (SELECT count(*) FROM actor_mentions)").fetchone()
    top = db.query_frame(
        conn, "SELECT name, actor_type, articles, mentions FROM actors ORDER BY articles DESC, mentions DESC, actor_id LIMIT 15"
    )
    return actor_count, mention_count, top


@dg.asset(group_name="nlp", kinds={"duckdb"}, deps=["entity_spans", "cleaned_articles"])
def actors(context: dg.AssetExecutionContext, warehouse: WarehouseResource, aliases: AliasResource) -> dg.MaterializeResult:
    """Actors (people, organisations, places) and their mentions, resolved from the stored entity
    spans with the alias table (bodies not seen before resolved and cached a chunk at a time, the
    rest from the cache); in one transaction, rewrites the mentions of the articles affected and
    rebuilds `actors`."""
    alias_table = read_aliases(aliases.file)
    pipeline = default_pipeline_name()
    fingerprint = cache_fingerprint(alias_table, pipeline)

    # What is new: bodies analysed since the last run (all of them when the cache is cleared).
    with warehouse.write() as conn:
        stored = conn.execute("SELECT fingerprint FROM actor_cache_settings").fetchall()
        analysed = set(db.query_frame(conn, db.read_sql("actors_analysed"))["content_hash"].to_list())
        cached = set()
        if stored == [(fingerprint,)]:
            cached = set(db.query_frame(conn, "SELECT content_hash FROM actor_local_bodies")["content_hash"].to_list())
        new, kept = analysed - cached, analysed & cached
        # No body new or gone, the same settings, nothing resolved but unpublished, and every
        # article accounted for in the ledger: the corpus state is the one the cache was
        # resolved with, so nothing is stale and publishing would rewrite nothing. Reads no
        # body, no cache row.
        if stored == [(fingerprint,)] and not new and cached == analysed and not conn.execute(
                db.read_sql("actors_unsettled")).fetchone()[0]:
            actor_count, mention_count, top = _published(conn)
            context.log.info(f"{actor_count} actors, {mention_count} mentions; nothing new: "
                             f"{len(cached)} bodies resolved as before")
            return dg.MaterializeResult(metadata={
                "actors": actor_count, "mentions": mention_count, "bodies_resolved": 0, "bodies_stale": 0,
                "bodies_cached": len(cached), "articles_rewritten": 0, "nothing_new": True,
                "top_actors": dg.MetadataValue.md(frame_markdown(top)),
            })
        with db.transaction(conn):
            if stored != [(fingerprint,)]:  # alias table or settings changed: nothing cached holds
                for table in ("actor_cache_settings", *CACHE_TABLES):
                    conn.execute(f'DELETE FROM "{table}"')  # our own table names, not input
                conn.execute("INSERT INTO actor_cache_settings VALUES (?)", [fingerprint])
            elif cached - analysed:  # bodies gone from the warehouse leave the cache
                with db.registered(conn, analysed=hashes(analysed)):
                    for table in CACHE_TABLES:
                        conn.execute(f'DELETE FROM "{table}" WHERE content_hash NOT IN (SELECT content_hash FROM analysed)')
        totals = pl.DataFrame(schema=CONTRIBUTION_SCHEMA)
        if kept:
            with db.registered(conn, kept=hashes(kept)):
                totals = db.query_frame(conn, db.read_sql("actors_contributions"))

    # Loaded only when there is work: the lexicon and the gazetteer cost about a second, and spaCy's import.
    rules, lexicon = alias_rules(alias_table), load_lexicon(pipeline)
    gaz = load_gazetteer().with_lexicon(lexicon)
    with tempfile.TemporaryDirectory(prefix="actors-") as folder:
        spill = Spill(Path(folder))
        # Pass 1, a chunk at a time: what the new bodies tell the corpus, added up; their
        # first passes and contributions set aside for pass 2.
        new_chunks = chunked(sorted(new), warehouse.chunk_size)
        for chunk in new_chunks:
            bodies, firsts = first_passes(warehouse, chunk, rules, gaz)
            contributions = contributions_frame(firsts, bodies, gaz)
            spill.add("contributions", contributions)
            spill.add("firsts", first_pass_frame(firsts))
            totals = contribution_totals(pl.concat([totals, contributions], how="vertical_relaxed"))
        state = corpus_state(totals, rules, gaz, lexicon)

        # Cached bodies whose resolution read something the corpus now says otherwise.
        stale = set()
        signatures = combine_signatures()
        if kept:
            with warehouse.write() as conn:
                with db.registered(conn, corpus_state=state.frame(), kept=hashes(kept)):
                    stale = set(db.query_frame(conn, db.read_sql("actors_stale"))["content_hash"].to_list())
                with db.registered(conn, kept=hashes(kept - stale)):
                    signatures = db.query_frame(conn, db.read_sql("actors_signatures"))

        # Pass 2, a chunk at a time: new bodies (first passes as set aside) and stale ones
        # (read again) resolved within themselves given the corpus state, each chunk cached.
        for part, chunk in enumerate(new_chunks):
            with warehouse.write() as conn:
                bodies = read_bodies(conn, chunk)
            firsts = first_passes_from_frame(spill.read("firsts", part), chunk)
            signatures = combine_signatures(signatures, second_passes_cached(
                warehouse, spill.read("contributions", part), bodies, firsts, state, rules, gaz, cached=False))
        for chunk in chunked(sorted(stale), warehouse.chunk_size):
            bodies, firsts = first_passes(warehouse, chunk, rules, gaz)
            signatures = combine_signatures(signatures, second_passes_cached(
                warehouse, contributions_frame(firsts, bodies, gaz), bodies, firsts, state, rules, gaz, cached=True))
    resolutions = resolve_signatures(signatures, rules, gaz, lexicon, state.table_rows)

    resolved = new | stale
    with warehouse.write() as conn, db.transaction(conn):
        affected = publish(conn, resolutions, warehouse.rebuild_rows)
        actor_count, mention_count, top = _published(conn)
    preview = frame_markdown(top)
    context.log.info(
        f"{actor_count} actors, {mention_count} mentions; {len(new)} new and {len(stale)} stale bodies resolved, "
        f"{len(kept - stale)} from the cache, {signatures.height} signatures; mentions of {affected} articles rewritten"
    )
    return dg.MaterializeResult(
        metadata={
            "actors": actor_count,
            "mentions": mention_count,
            "bodies_resolved": len(resolved),
            "bodies_stale": len(stale),
            "bodies_cached": len(kept - stale),
            "signatures": signatures.height,
            "articles_rewritten": affected,
            "nothing_new": False,
            "top_actors": dg.MetadataValue.md(preview),
        }
    )
