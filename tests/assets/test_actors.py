"""Actor resolution (assets/actors/): names, junk rules, resolution within and across articles,
the alias table, and the `actors` asset re-resolving stored spans when the alias file changes.

The fixtures in tests/fixtures/actors/ are short texts written for these tests, each with the
entity spans a recogniser could give it (`<name>.spans.json`: [surface, label] in text order), so
that resolution is tested on its own, without the model's variations."""

import json
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from assets.actors import actors
from assets.actors.aliases import read_aliases
from assets.actors.candidates import in_compound_adjective, table_names
from assets.actors.chunks import publish
from assets.actors.lexicons import load_lexicon
from assets.actors.names import actor_id_for, clean_span, junk_reason, name_key
from assets.actors.resolution import resolve
from pipelines.resources import AliasResource, NlpResource, WarehouseResource
from tests.conftest import store_articles, PROJECT_ROOT
from warehouse import db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "actors"
ALIAS_HEADER = "action,name,target,actor_type\n"


def fixture_spans(*names: str) -> tuple[pl.DataFrame, dict[str, str]]:
    """Spans frame and bodies for fixture texts; each text's name stands for its content_hash."""
    rows, bodies = [], {}
    for name in names:
        text = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")
        bodies[name] = text
        position = 0
        for surface, label in json.loads((FIXTURES / f"{name}.spans.json").read_text(encoding="utf-8")):
            start = text.index(surface, position)
            position = start + len(surface)
            rows.append((name, surface, label, start, position))
    spans = pl.DataFrame(
        rows, schema=["content_hash", "surface", "entity_label", "start_char", "end_char"], orient="row"
    ).cast({"start_char": pl.Int32, "end_char": pl.Int32})
    return spans, bodies


def aliases_frame(text: str, tmp_path: Path) -> pl.DataFrame:
    path = tmp_path / "aliases.csv"
    path.write_text(text, encoding="utf-8")
    return read_aliases(path)


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon(NlpResource().pipeline)


def resolved(names, aliases, lexicon) -> tuple[dict[str, list], dict[str, tuple]]:
    """(surfaces per (body, actor_id) in text order, actor_id -> (name, type))."""
    spans, bodies = fixture_spans(*names)
    mentions, actor_rows = resolve(spans, bodies, aliases, lexicon)
    per_body: dict[tuple[str, str], list[str]] = {}
    for content_hash, actor_id, surface in mentions.sort("content_hash", "start_char").select(
        "content_hash", "actor_id", "surface"
    ).iter_rows():
        per_body.setdefault((content_hash, actor_id), []).append(surface)
    return per_body, {a: (n, t) for a, n, t in actor_rows.select("actor_id", "name", "actor_type").iter_rows()}


# --- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, key",
    [
        ("U.S.", "us"),
        ("US", "us"),
        ("Mishustin's", "mishustin"),
        ("The Kremlin", "kremlin"),
        ("Liège", "liege"),
        ("BEIJING", "beijing"),
        ("St. Louis", "st louis"),
    ],
)
def test_name_key(name, key):
    assert name_key(name) == key


@pytest.mark.parametrize(
    "span, label, names",
    [
        ("President Xi's", "PERSON", ["Xi"]),
        ("Prime Minister Mikhail Mishustin", "PERSON", ["Mikhail Mishustin"]),
        ("the Great Hall of the People", "FAC", ["Great Hall of the People"]),
        ("Cofinec S.A.", "ORG", ["Cofinec"]),
        ("Buducnost 1 Red Star 3", "ORG", ["Buducnost", "Red Star"]),
        ("The Oval (London", "FAC", ["Oval", "London"]),
        ("G. Kersey 63", "PERSON", ["G. Kersey"]),
        ("St Johnstone v", "ORG", ["St Johnstone"]),
        ("Birmingham v Barnsley", "PERSON", ["Birmingham", "Barnsley"]),
        ("Premium\n\nOwnership", "ORG", ["Premium", "Ownership"]),
        ("the August National Association of Purchasing Management", "ORG", ["National Association of Purchasing Management"]),
        ("Washington, D.C.", "GPE", ["Washington, D.C."]),
        ("Marta Lindgren 46th", "PERSON", ["Marta Lindgren"]),
        ("Ola Berg 3rd, Tomas Ek 82nd", "PERSON", ["Ola Berg", "Tomas Ek"]),
        ("50th Anniversary Tour", "ORG", ["50th Anniversary Tour"]),
    ],
)
def test_clean_span(span, label, names):
    body = f"xx {span} yy"
    pieces = clean_span(body, 3, 3 + len(span), label)
    assert [p.name for p in pieces] == names
    assert all(body[p.start : p.end] == p.name for p in pieces)


@pytest.mark.parametrize(
    "name, reason",
    [
        ("X", "fewer than two letters"),
        ("Euro 96", "contains digits"),
        ("www.example.com", "address"),
        ("iPhone", "starts in lower case"),
        ("Ground NewsSubscriptions", "words glued together (page furniture)"),
        ("September", "a date"),
        ("Ex-Yankee", "a description, not a name"),
        ("One Two Three Four Five Six Seven Eight Nine", "too long for a name"),
        ("Jan Kroslak", None),
        ("Xi", None),
        ("Li Qiang", None),
        ("McCague", None),
        ("U.S.", None),
    ],
)
def test_junk_reason(name, reason):
    assert junk_reason(name) == reason


@pytest.mark.parametrize(
    "text, name, expected",
    [
        ("the New York-based group said", "New York", True),
        ("a pro-Moscow party", "Moscow", True),
        ("talks in New York - and Paris", "New York", False),
        ("a Russia-China summit", "Russia", False),
    ],
)
def test_in_compound_adjective(text, name, expected):
    start = text.index(name)
    assert in_compound_adjective(text, start, start + len(name)) is expected


def test_table_names():
    body = "Results on Saturday:\nAt Hove: Sussex 363 and 144, Lancashire 218 and 53-0.\nQueen of South 3 2 0 1 5 4 6\nAttendance: 4,500"
    assert [body[s:e] for s, e in table_names(body)] == ["Hove", "Sussex", "Lancashire", "Queen of South", "Attendance"]


def test_actor_ids_are_stable_slugs_of_name_and_type():
    assert actor_id_for("Xi Jinping", "person") == "person:xi-jinping"
    assert actor_id_for("U.S.", "place") == "place:us"
    assert actor_id_for("Liège", "place") == "place:liege"


# --- resolution --------------------------------------------------------------------------------


def test_within_article_short_forms_titles_possessives_acronyms(tmp_path, lexicon):
    per_body, names = resolved(["summit"], aliases_frame(ALIAS_HEADER, tmp_path), lexicon)
    assert per_body == {
        ("summit", "place:vienna"): ["VIENNA", "Vienna"],
        ("summit", "person:karin-lindqvist"): ["Karin Lindqvist", "Lindqvist"],
        ("summit", "person:tomas-berger"): ["Tomas Berger", "Berger"],
        ("summit", "place:austria"): ["Austria"],
        ("summit", "organization:united-states-department-of-agriculture"): [
            "United States Department of Agriculture",
            "USDA",
            "USDA",
        ],
        ("summit", "place:us"): ["U.S."],
        ("summit", "organization:un"): ["U.N."],
    }
    # "Berger" was labelled ORG by the model but is the short form of a person's full name;
    # nationality adjectives ("Chinese", "Russian") are not actors.
    assert names["person:tomas-berger"] == ("Tomas Berger", "person")
    assert names["place:vienna"] == ("Vienna", "place")


def test_across_articles_abbreviations_and_surnames(tmp_path, lexicon):
    aliases = aliases_frame(
        ALIAS_HEADER + "merge,U.S.,United States,place\nmerge,U.N.,United Nations,organization\n", tmp_path
    )
    per_body, names = resolved(["summit", "followup"], aliases, lexicon)
    assert per_body[("summit", "place:united-states")] == ["U.S."]
    assert per_body[("followup", "place:united-states")] == ["United States"]
    assert per_body[("summit", "organization:united-nations")] == ["U.N."]
    assert per_body[("followup", "organization:united-nations")] == ["United Nations"]
    # A lone surname in the second article is the full name the corpus knows, and an acronym
    # that the article does not define is what the corpus defines it as.
    assert per_body[("followup", "person:karin-lindqvist")] == ["Lindqvist"]
    assert per_body[("followup", "organization:united-states-department-of-agriculture")] == ["USDA"]
    assert per_body[("followup", "person:tomas-berger")] == ["Berger"]
    assert names["place:united-states"] == ("United States", "place")


def test_results_tables_headlines_and_field_labels(tmp_path, lexicon):
    per_body, names = resolved(["results"], aliases_frame(ALIAS_HEADER, tmp_path), lexicon)
    assert per_body == {
        ("results", "place:leeds"): ["LEEDS", "Leeds", "Leeds"],
        ("results", "organization:hull"): ["Hull"],
        ("results", "place:norwich"): ["Norwich"],
        ("results", "place:portsmouth"): ["Portsmouth"],
        ("results", "person:adam-fenwick"): ["Adam Fenwick", "Adam Fenwick"],
        ("results", "person:joe-platt"): ["Joe Platt"],
    }
    assert "SOCCER" not in str(names) and "Attendance" not in str(names) and "Scorers" not in str(names)


def test_page_furniture_is_not_an_actor(tmp_path, lexicon):
    per_body, names = resolved(["page"], aliases_frame(ALIAS_HEADER, tmp_path), lexicon)
    # "Vantage" came in one span with the next line's "The Harbour Times": a name of several
    # words survives the cut, a single word has to occur on its own somewhere.
    assert names == {
        "organization:kremlin": ("Kremlin", "organization"),
        "organization:harbour-times": ("Harbour Times", "organization"),
    }


def test_alias_table_merge_rename_split_ignore(tmp_path, lexicon):
    aliases = aliases_frame(
        "# comment lines are allowed\n"
        + ALIAS_HEADER
        + "merge,USDA,Agriculture Department,organization\n"
        + "rename,Karin Lindqvist,Chancellor Lindqvist,\n"
        + "split,Berger,Berger (unresolved),person\n"
        + "ignore,Austria,,\n",
        tmp_path,
    )
    per_body, names = resolved(["summit", "followup"], aliases, lexicon)
    assert per_body[("summit", "organization:agriculture-department")] == ["USDA", "USDA"]
    assert per_body[("followup", "organization:agriculture-department")] == ["USDA"]
    assert per_body[("summit", "organization:united-states-department-of-agriculture")] == [
        "United States Department of Agriculture"
    ]
    assert per_body[("summit", "person:chancellor-lindqvist")] == ["Karin Lindqvist", "Lindqvist"]
    assert per_body[("followup", "person:chancellor-lindqvist")] == ["Lindqvist"]
    assert per_body[("summit", "person:tomas-berger")] == ["Tomas Berger"]
    assert per_body[("summit", "person:berger-unresolved")] == ["Berger"]
    assert per_body[("followup", "person:berger-unresolved")] == ["Berger"]
    assert "place:austria" not in names


def test_alias_table_rejects_unknown_actions(tmp_path):
    with pytest.raises(ValueError, match="unknown action"):
        aliases_frame(ALIAS_HEADER + "join,USDA,Agriculture,\n", tmp_path)


def test_shipped_alias_table_reads():
    aliases = read_aliases(PROJECT_ROOT / "warehouse" / "aliases.csv")
    assert set(aliases["action"].to_list()) <= {"merge", "rename", "split", "ignore"}
    assert ("merge", "U.S.", "United States", "place") in aliases.rows()


# --- the asset ---------------------------------------------------------------------------------


def stored_warehouse(tmp_path: Path) -> WarehouseResource:
    """A warehouse holding the fixture articles and their spans, as the load step leaves it; the
    follow-up body is held by two articles (an exact copy)."""
    warehouse = WarehouseResource(path=str(tmp_path / "media.duckdb"))
    spans, bodies = fixture_spans("summit", "followup", "page")
    articles = pl.DataFrame(
        {
            "article_id": ["a-summit", "a-followup", "a-followup-copy", "a-page"],
            "source_path": ["summit.txt", "followup.txt", "copy/followup.txt", "page.txt"],
            "record_index": [0, 0, 0, 0],
            "published_date": [date(2024, 3, 5), date(2024, 3, 6), date(2024, 3, 6), date(2024, 3, 6)],
            "language": ["en"] * 4,
            "body": [bodies["summit"], bodies["followup"], bodies["followup"], bodies["page"]],
            "content_hash": ["summit", "followup", "followup", "page"],
        }
    ).cast({"record_index": pl.Int32})
    runs = pl.DataFrame(
        {"content_hash": ["summit", "followup", "page"], "pipeline": ["test 1"] * 3, "status": ["analysed"] * 3}
    )
    with warehouse.write() as conn:
        store_articles(conn, articles)
        db.insert_frame(conn, "entity_runs", runs)
        db.insert_frame(conn, "entity_spans", spans)
    return warehouse


def test_actors_asset_replaces_tables_and_rereads_the_alias_file(tmp_path):
    warehouse = stored_warehouse(tmp_path)
    alias_file = tmp_path / "aliases.csv"
    alias_file.write_text(ALIAS_HEADER + "merge,U.S.,United States,place\n", encoding="utf-8")
    resources = {"warehouse": warehouse, "aliases": AliasResource(path=str(alias_file))}

    result = dg.materialize([actors], resources=resources)
    assert result.success
    conn = duckdb.connect(str(warehouse.file), read_only=True)
    coverage = dict(
        conn.execute("SELECT a.name, count(DISTINCT m.article_id) FROM mentions m JOIN actors a USING (actor_id) GROUP BY 1").fetchall()
    )
    lindqvist = conn.execute(
        "SELECT actor_id, name, actor_type, aliases, mentions, articles FROM actors WHERE name = 'Karin Lindqvist'"
    ).fetchall()
    conn.close()
    assert coverage["Karin Lindqvist"] == 3  # the copied follow-up counts as an article of its own
    assert coverage["United States"] == 3
    assert lindqvist == [("person:karin-lindqvist", "Karin Lindqvist", "person", ["Karin Lindqvist", "Lindqvist"], 4, 3)]
    metadata = result.asset_materializations_for_node("actors")[0].metadata
    assert metadata["actors"].value == len(coverage)

    # Editing the alias file and re-materialising re-resolves the stored spans (no model run).
    alias_file.write_text(ALIAS_HEADER + "ignore,U.S.,,\nignore,United States,,\n", encoding="utf-8")
    assert dg.materialize([actors], resources=resources).success
    conn = duckdb.connect(str(warehouse.file), read_only=True)
    names = {row[0] for row in conn.execute("SELECT name FROM actors").fetchall()}
    mention_count = conn.execute("SELECT count(*) FROM mentions WHERE surface IN ('U.S.', 'United States')").fetchone()
    conn.close()
    assert "United States" not in names and "Karin Lindqvist" in names
    assert mention_count == (0,)


CACHED_AND_PUBLISHED = {
    "mentions": "SELECT * FROM mentions ORDER BY ALL",
    "actors": "SELECT * FROM actors ORDER BY actor_id",
    "actor_articles": "SELECT * FROM actor_articles ORDER BY ALL",
    "actor_local_mentions": "SELECT * FROM actor_local_mentions ORDER BY ALL",
    "actor_local_contributions": "SELECT * FROM actor_local_contributions ORDER BY ALL",
    "actor_local_reads": "SELECT * FROM actor_local_reads ORDER BY ALL",
    "actor_local_bodies": "SELECT * FROM actor_local_bodies ORDER BY ALL",
    "actor_unpublished": "SELECT * FROM actor_unpublished ORDER BY ALL",
}


@pytest.mark.parametrize("edited", [False, True], ids=["first run", "after an alias edit"])
@pytest.mark.parametrize("dies_at", ["second chunk", "third chunk", "publication"])
def test_actors_killed_after_caching_some_chunks_ends_like_an_uninterrupted_run(tmp_path, monkeypatch, dies_at, edited):
    """Each chunk of bodies is cached in its own transaction and listed as unpublished: a run
    that dies after some chunks (or just before publishing) leaves them cached and nothing
    newly published, and the next run resolves only the rest, publishes every listed body, and
    ends with the tables of a run that was never interrupted. After an alias edit every body is
    resolved again while the old mentions stay published: the list is what says which articles
    the cached chunks changed."""
    import assets.actors as actors_module

    (tmp_path / "reference").mkdir()
    (tmp_path / "tested").mkdir()
    alias_file = tmp_path / "aliases.csv"
    alias_file.write_text(ALIAS_HEADER + "merge,U.S.,United States,place\n", encoding="utf-8")
    aliases = AliasResource(path=str(alias_file))
    reference = WarehouseResource(path=str(stored_warehouse(tmp_path / "reference").file), chunk_size=1)
    tested = WarehouseResource(path=str(stored_warehouse(tmp_path / "tested").file), chunk_size=1)
    if edited:
        for warehouse in (reference, tested):
            assert dg.materialize([actors], resources={"warehouse": warehouse, "aliases": aliases}).success
        alias_file.write_text(ALIAS_HEADER + "rename,Karin Lindqvist,K. Lindqvist,person\n", encoding="utf-8")
    assert dg.materialize([actors], resources={"warehouse": reference, "aliases": aliases}).success

    class Died(Exception):
        pass

    cache_chunk, publish_all = actors_module.second_passes_cached, actors_module.publish
    calls = []

    def cache_then_die(*args, **kwargs):
        if dies_at != "publication" and len(calls) == {"second chunk": 1, "third chunk": 2}[dies_at]:
            raise Died(dies_at)
        calls.append(1)
        return cache_chunk(*args, **kwargs)

    def die(*args, **kwargs):
        raise Died(dies_at)

    monkeypatch.setattr(actors_module, "second_passes_cached", cache_then_die)
    monkeypatch.setattr(actors_module, "publish", die)
    resources = {"warehouse": tested, "aliases": aliases}
    assert not dg.materialize([actors], resources=resources, raise_on_error=False).success
    cached = warehouse_rows(tested, "SELECT content_hash FROM actor_local_bodies ORDER BY 1")
    assert len(cached) == len(calls) > 0
    assert warehouse_rows(tested, "SELECT content_hash FROM actor_unpublished ORDER BY 1") == cached
    published = warehouse_rows(tested, "SELECT * FROM mentions ORDER BY ALL")
    assert published == [] or (edited and published != warehouse_rows(reference, "SELECT * FROM mentions ORDER BY ALL"))

    monkeypatch.setattr(actors_module, "second_passes_cached", cache_chunk)
    monkeypatch.setattr(actors_module, "publish", publish_all)
    result = dg.materialize([actors], resources=resources)
    metadata = result.asset_materializations_for_node("actors")[0].metadata
    assert metadata["bodies_cached"].value == len(cached)  # the chunks cached before are not resolved again
    assert metadata["bodies_resolved"].value == 3 - len(cached)
    for table, sql in CACHED_AND_PUBLISHED.items():
        assert warehouse_rows(tested, sql) == warehouse_rows(reference, sql), table
    assert warehouse_rows(tested, "SELECT count(*) FROM actor_mentions")[0][0] > 0


def test_actors_asset_on_an_empty_warehouse_without_alias_file(tmp_path):
    resources = {
        "warehouse": WarehouseResource(path=str(tmp_path / "media.duckdb")),
        "aliases": AliasResource(path=str(tmp_path / "missing.csv")),
    }
    result = dg.materialize([actors], resources=resources)
    assert result.success
    assert result.asset_materializations_for_node("actors")[0].metadata["mentions"].value == 0


def test_words_run_together_are_a_name_only_when_repeated(tmp_path, lexicon):
    per_body, names = resolved(["bank"], aliases_frame(ALIAS_HEADER, tmp_path), lexicon)
    assert per_body == {("bank", "organization:nationsbank"): ["NationsBank", "NationsBank"]}


# --- the cache: a run resolves only what it has not seen -----------------------------------------


def add_articles(warehouse: WarehouseResource, names: list[str]) -> None:
    """Store fixture texts as articles with their spans, as the load step would (one article
    per text, the text's name standing for its content_hash)."""
    spans, bodies = fixture_spans(*names)
    articles = pl.DataFrame(
        {
            "article_id": [f"a-{n}" for n in names],
            "source_path": [f"{n}.txt" for n in names],
            "record_index": [0] * len(names),
            "published_date": [date(2024, 3, 7)] * len(names),
            "language": ["en"] * len(names),
            "body": [bodies[n] for n in names],
            "content_hash": names,
        }
    ).cast({"record_index": pl.Int32})
    runs = pl.DataFrame({"content_hash": names, "pipeline": ["test 1"] * len(names), "status": ["analysed"] * len(names)})
    with warehouse.write() as conn:
        store_articles(conn, articles)
        db.insert_frame(conn, "entity_runs", runs)
        db.insert_frame(conn, "entity_spans", spans)


def materialize_actors(warehouse: WarehouseResource, alias_file: Path) -> dict:
    result = dg.materialize([actors], resources={"warehouse": warehouse, "aliases": AliasResource(path=str(alias_file))})
    assert result.success
    return {k: v.value for k, v in result.asset_materializations_for_node("actors")[0].metadata.items() if k != "top_actors"}


def warehouse_rows(warehouse: WarehouseResource, sql: str) -> list[tuple]:
    conn = duckdb.connect(str(warehouse.file), read_only=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


MENTION_ROWS = "SELECT article_id, actor_id, surface, start_char FROM mentions ORDER BY article_id, start_char"
ACTOR_ROWS = "SELECT * FROM actors ORDER BY actor_id"


def test_actors_asset_resolves_each_body_once(tmp_path):
    warehouse = stored_warehouse(tmp_path)
    alias_file = tmp_path / "aliases.csv"
    alias_file.write_text(ALIAS_HEADER + "merge,U.S.,United States,place\n", encoding="utf-8")

    first = materialize_actors(warehouse, alias_file)
    assert (first["bodies_resolved"], first["bodies_cached"]) == (3, 0)
    assert warehouse_rows(warehouse, "SELECT count(*) FROM actor_local_bodies") == [(3,)]
    mentions, table = warehouse_rows(warehouse, MENTION_ROWS), warehouse_rows(warehouse, ACTOR_ROWS)

    # Nothing new: every body comes from the cache, and the tables are the same.
    again = materialize_actors(warehouse, alias_file)
    assert (again["bodies_resolved"], again["bodies_stale"], again["bodies_cached"]) == (0, 0, 3)
    assert again["nothing_new"] is True and first["nothing_new"] is False
    assert warehouse_rows(warehouse, MENTION_ROWS) == mentions
    assert warehouse_rows(warehouse, ACTOR_ROWS) == table

    # A new body: only it is resolved.
    add_articles(warehouse, ["bank"])
    more = materialize_actors(warehouse, alias_file)
    assert (more["bodies_resolved"], more["bodies_cached"]) == (1, 3)
    assert warehouse_rows(warehouse, "SELECT count(*) FROM actor_local_bodies") == [(4,)]
    assert ("a-bank", "organization:nationsbank", "NationsBank", 0) in warehouse_rows(warehouse, MENTION_ROWS)

    # Editing the alias table clears the cache: every stored body is resolved again.
    alias_file.write_text(ALIAS_HEADER + "ignore,U.S.,,\n", encoding="utf-8")
    edited = materialize_actors(warehouse, alias_file)
    assert (edited["bodies_resolved"], edited["bodies_cached"]) == (4, 0)


def test_a_cached_body_is_resolved_again_when_the_corpus_names_what_it_held(tmp_path):
    """The headline's capitals name a person only once another text writes the name in mixed
    case: the cached headline is resolved again, and the result is that of a run from scratch."""
    alias_file = tmp_path / "aliases.csv"
    alias_file.write_text(ALIAS_HEADER, encoding="utf-8")
    warehouse = WarehouseResource(path=str(tmp_path / "step.duckdb"))
    add_articles(warehouse, ["headline"])
    alone = materialize_actors(warehouse, alias_file)
    assert (alone["bodies_resolved"], alone["mentions"]) == (1, 0)
    add_articles(warehouse, ["profile"])
    later = materialize_actors(warehouse, alias_file)
    assert (later["bodies_resolved"], later["bodies_stale"]) == (2, 1)

    scratch = WarehouseResource(path=str(tmp_path / "scratch.duckdb"))
    add_articles(scratch, ["headline", "profile"])
    materialize_actors(scratch, alias_file)
    assert warehouse_rows(warehouse, MENTION_ROWS) == warehouse_rows(scratch, MENTION_ROWS) == [
        ("a-headline", "person:marta-okonjo", "MARTA OKONJO", 0),
        ("a-profile", "person:marta-okonjo", "Marta Okonjo", 0),
        ("a-profile", "person:marta-okonjo", "Okonjo", 88),
    ]
    assert warehouse_rows(warehouse, ACTOR_ROWS) == warehouse_rows(scratch, ACTOR_ROWS)


def test_a_new_copy_of_a_resolved_body_gets_its_mentions(tmp_path):
    """No body is new, but a new article carries one already resolved: the step is not
    "nothing new"; the copy gets the body's mentions, as on a warehouse built from scratch."""
    warehouse = stored_warehouse(tmp_path)
    alias_file = tmp_path / "aliases.csv"
    alias_file.write_text(ALIAS_HEADER, encoding="utf-8")
    materialize_actors(warehouse, alias_file)
    with warehouse.write() as conn:
        conn.execute("INSERT INTO article_texts BY NAME SELECT 'a-copy' AS article_id, 'copy.txt' AS source_path, "
                     "0 AS record_index, published_date, language, body, content_hash FROM article_texts "
                     "WHERE content_hash = 'summit'")
    copied = materialize_actors(warehouse, alias_file)
    assert copied["nothing_new"] is False and copied["bodies_resolved"] == 0
    original = warehouse_rows(warehouse, "SELECT actor_id, surface, start_char FROM mentions m JOIN articles a USING (article_id) "
                                         "WHERE a.article_id = 'a-summit' ORDER BY ALL")
    assert original and warehouse_rows(warehouse, "SELECT actor_id, surface, start_char FROM mentions "
                                                  "WHERE article_id = 'a-copy' ORDER BY ALL") == original
    assert materialize_actors(warehouse, alias_file)["nothing_new"] is True


def test_removed_articles_leave_the_cache(tmp_path):
    warehouse = stored_warehouse(tmp_path)
    alias_file = tmp_path / "aliases.csv"
    alias_file.write_text(ALIAS_HEADER, encoding="utf-8")
    materialize_actors(warehouse, alias_file)
    with warehouse.write() as conn:
        conn.execute("DELETE FROM article_texts WHERE content_hash = 'page'")
    after = materialize_actors(warehouse, alias_file)
    assert after["bodies_resolved"] == 0
    assert warehouse_rows(warehouse, "SELECT content_hash FROM actor_local_bodies ORDER BY 1") == [("followup",), ("summit",)]
    assert warehouse_rows(warehouse, "SELECT count(*) FROM mentions WHERE article_id = 'a-page'") == [(0,)]



CACHE_AND_PUBLIC_TABLES = (
    "actor_mentions", "actor_articles", "actors", "actor_resolutions", "actor_local_bodies", "actor_local_mentions",
    "actor_local_contributions", "actor_local_reads",
)


def test_chunks_of_one_body_resolve_as_one_chunk_of_all(tmp_path):
    """The step reads and resolves the bodies a chunk at a time: chunks of one body leave every
    table (public and cache) as one chunk holding all of them, on a first run and on a later
    one that resolves new bodies and cached ones gone stale."""
    alias_file = tmp_path / "aliases.csv"
    alias_file.write_text(ALIAS_HEADER + "merge,U.S.,United States,place\n", encoding="utf-8")
    names = sorted(p.name.removesuffix(".txt") for p in FIXTURES.glob("*.txt"))
    later = ["profile", "known_a", "acronyms_b"]
    warehouses = [WarehouseResource(path=str(tmp_path / f"chunk{size}.duckdb"), chunk_size=size) for size in (1, 1000)]
    runs = []
    for warehouse in warehouses:
        add_articles(warehouse, [n for n in names if n not in later])
        first = materialize_actors(warehouse, alias_file)
        add_articles(warehouse, later)
        runs.append((first, materialize_actors(warehouse, alias_file)))
    assert runs[0] == runs[1]
    assert runs[0][1]["bodies_stale"] >= 2 and runs[0][1]["bodies_cached"] >= 1
    for table in CACHE_AND_PUBLIC_TABLES:
        one, all_ = (warehouse_rows(w, f"SELECT * FROM {table} ORDER BY ALL") for w in warehouses)
        assert one == all_, table
        assert one, table

def test_publish_in_chunks_takes_each_actor_from_its_first_mention_in_the_corpus(tmp_path):
    """`publish` writes mentions a chunk of articles at a time and builds `actors` from shares
    of a chunk of bodies at a time: with chunks of one body, an actor's name, type and
    ambiguity are still those of its first mention in the corpus order (skipping mentions that
    resolve to none), its aliases every surface, and of two mentions covering the same text of a
    body only the first counts."""
    warehouse = WarehouseResource(path=str(tmp_path / "publish.duckdb"))
    texts = pl.DataFrame({
        "article_id": ["a1", "a2", "a2-copy", "a3"], "source_path": ["1.txt", "2.txt", "copy/2.txt", "3.txt"],
        "record_index": [0, 0, 0, 0], "content_hash": ["h1", "h2", "h2", "h3"],
    }).cast({"record_index": pl.Int32})
    # (content_hash, start, end, surface, signature, position): h3 is first in the corpus order,
    # though last by content hash; in h1 two mentions cover "Smith" at 10-15, the first wins.
    local = pl.DataFrame(
        [("h1", 0, 9, "Jon Smith", "s-jon", "2"), ("h1", 10, 15, "Smith", "s-smith", "3"),
         ("h1", 10, 15, "Smith", "s-other", "4"), ("h2", 0, 5, "Smith", "s-smith", "5"),
         ("h3", 0, 9, "J. Smith", "s-j", "1"), ("h3", 20, 26, "Berlin", "s-berlin", "6")],
        schema={"content_hash": pl.String, "start_char": pl.Int32, "end_char": pl.Int32, "surface": pl.String,
                "signature": pl.String, "position": pl.String}, orient="row",
    ).with_columns(pl.lit("PERSON").alias("entity_label"), pl.lit("ner").alias("source"))
    resolutions = pl.DataFrame(
        [("s-j", "person:jon-smith", None, None, None),
         ("s-jon", "person:jon-smith", "Jon Smith", "person", None),
         ("s-smith", "person:jon-smith", "Smith", "person", ["Jon Smith", "Ann Smith"]),
         ("s-other", "person:ann-smith", "Ann Smith", "person", None),
         ("s-berlin", "place:berlin", "Berlin", "place", None)],
        schema={"signature": pl.String, "actor_id": pl.String, "name": pl.String, "actor_type": pl.String,
                "ambiguous": pl.List(pl.String)}, orient="row",
    )
    with warehouse.write() as conn, db.transaction(conn):
        db.insert_frame(conn, "article_texts", texts)
        db.insert_frame(conn, "entity_runs", pl.DataFrame({"content_hash": ["h1", "h2", "h3"], "status": ["analysed"] * 3}))
        db.insert_frame(conn, "actor_local_mentions", local)
        db.insert_frame(conn, "actor_unpublished", db.keys_frame("content_hash", ["h1", "h2", "h3"]))
        affected = publish(conn, resolutions, rows=1)
    assert affected == 4
    assert warehouse_rows(warehouse, "SELECT count(*) FROM actor_unpublished") == [(0,)]
    assert warehouse_rows(warehouse, "SELECT article_id, actor_id, surface, start_char FROM actor_mentions ORDER BY ALL") == [
        ("a1", "person:jon-smith", "Jon Smith", 0), ("a1", "person:jon-smith", "Smith", 10),
        ("a2", "person:jon-smith", "Smith", 0), ("a2-copy", "person:jon-smith", "Smith", 0),
        ("a3", "person:jon-smith", "J. Smith", 0), ("a3", "place:berlin", "Berlin", 20),
    ]
    assert warehouse_rows(warehouse, "SELECT actor_id, name, actor_type, aliases, mentions, articles, ambiguous "
                                     "FROM actors ORDER BY actor_id") == [
        ("person:jon-smith", "Jon Smith", "person", ["J. Smith", "Jon Smith", "Smith"], 5, 4, ["Jon Smith", "Ann Smith"]),
        ("place:berlin", "Berlin", "place", ["Berlin"], 1, 1, None),
    ]
    assert warehouse_rows(warehouse, "SELECT article_id, content_hash FROM actor_articles ORDER BY ALL") == [
        ("a1", "h1"), ("a2", "h2"), ("a2-copy", "h2"), ("a3", "h3")]

    # A body resolved again (its cached mentions changed, the actors of its signatures not),
    # listed as unpublished: its article's mentions are rewritten, and the list emptied.
    with warehouse.write() as conn, db.transaction(conn):
        conn.execute("DELETE FROM actor_local_mentions WHERE content_hash = 'h3' AND signature = 's-berlin'")
        db.insert_frame(conn, "actor_unpublished", db.keys_frame("content_hash", ["h3"]))
        assert publish(conn, resolutions, rows=1) == 1
    assert warehouse_rows(warehouse, "SELECT article_id, actor_id FROM actor_mentions WHERE article_id = 'a3'") == [
        ("a3", "person:jon-smith")]
    assert warehouse_rows(warehouse, "SELECT count(*) FROM actor_unpublished") == [(0,)]


# --- provenance, name variants, ambiguity ------------------------------------------------------


@pytest.mark.parametrize(
    "body, agency, credits",
    [
        ("SAN MARCO, Nov 4 (AP) _ The storm moved north.", "AP", ["(AP)"]),
        ("BEIJING, Nov 4 (Reuters) - China said on Tuesday", "Reuters", ["(Reuters)"]),
        ("PARIS (AFP) -- The minister resigned.", "AFP", ["(AFP)"]),
        ("BERLIN (dpa) - Die Regierung", "dpa", ["(dpa)"]),
        ("By Jane Doe, Associated Press\n\nThe council met.", "AP", ["By Jane Doe, Associated Press"]),
        ("By JANE DOE and Ali bin Omar, Reuters\nText.", "Reuters", ["By JANE DOE and Ali bin Omar, Reuters"]),
        ("The mayor waved. (AP Photo/John Roe)", "AP", ["AP Photo/John Roe"]),
        ("A crowd gathered. REUTERS/John Roe", "Reuters", ["REUTERS/John Roe"]),
        ("Floods spread. Copyright 2025 The Associated Press. All rights reserved.", "AP",
         ["Copyright 2025 The Associated Press. All rights reserved."]),
        ("Text.\n(Reporting by Jane Doe; Editing by John Roe)", None, ["(Reporting by Jane Doe; Editing by John Roe)"]),
        ("XINHUA (Xinhua News Agency) -- Rain fell.", "Xinhua", ["(Xinhua News Agency)"]),
        # Agencies in running text are sources or subjects, not credits.
        ("Reuters reported that its journalists were detained.", None, []),
        ("The Xinhua news agency said 12 people died.", None, []),
        ("By tradition, the job goes to the largest party in the AP.", None, []),
    ],
)
def test_agency_credit_and_credit_spans(body, agency, credits):
    from assets.actors.provenance import agency_credit, credit_spans

    assert agency_credit(body) == agency
    assert [body[s:e] for s, e, _ in credit_spans(body)] == credits


@pytest.mark.parametrize(
    "text, word, whole",
    [
        ("Ursula von der Leyen said", "Ursula", "Ursula von der Leyen"),
        ("Ursula von der Leyen said", "Leyen", "Ursula von der Leyen"),
        ("Prince Saud al-Faisal said", "Faisal", "Saud al-Faisal"),
        ("Osama bin Laden was", "Osama", "Osama bin Laden"),
        ("Rio de Janeiro is", "Rio", "Rio de Janeiro"),
        ("Paris and London", "Paris", "Paris"),
        ("the Port of Rotterdam", "Port", "Port"),
        ("12 - Pieter van Wyk, 11 - Jan Smit", "van Wyk", "Pieter van Wyk"),
        ("the van Wyk family", "van Wyk", "van Wyk"),
    ],
)
def test_names_are_taken_whole_over_particles(text, word, whole):
    from assets.actors.candidates import extend_over_particles

    start = text.index(word)
    s, e = extend_over_particles(text, start, start + len(word))
    assert text[s:e] == whole


def test_surnames_and_regnal_numbers():
    from assets.actors.names import core_words, regnal_base, surname_of

    assert surname_of("ursula von der leyen") == "von der leyen"
    assert surname_of("hillary rodham clinton") == "clinton"
    assert core_words("von der leyen") == ["leyen"]
    assert regnal_base("john paul ii") == "john paul"
    assert regnal_base("louis xiv") == "louis"
    assert regnal_base("malcolm x") is None


def test_credits_particles_institutions_products_and_ambiguous_surnames(tmp_path, lexicon):
    spans, bodies = fixture_spans("wire", "president", "senator", "bare")
    mentions, actor_rows = resolve(spans, bodies, aliases_frame(ALIAS_HEADER, tmp_path), lexicon)
    per_body: dict[tuple[str, str], list[str]] = {}
    for content_hash, actor_id, surface in mentions.sort("content_hash", "start_char").select(
        "content_hash", "actor_id", "surface"
    ).iter_rows():
        per_body.setdefault((content_hash, actor_id), []).append(surface)
    # The credit "(Reuters)", the byline and the agency's own name in its copy ("told Reuters")
    # are provenance; the weapon is no person; the particle name is one person; the bare head
    # noun is the place-qualified institution of the same text; the port authority is an
    # organisation although the model called it a facility.
    assert {k: v for k, v in per_body.items() if k[0] == "wire"} == {
        ("wire", "place:berlin"): ["BERLIN", "Berlin"],
        ("wire", "person:ursula-von-der-leyen"): ["Ursula von der Leyen", "Von der Leyen"],
        ("wire", "person:friedrich-merz"): ["Friedrich Merz"],
        ("wire", "organization:european-commission"): ["European Commission", "Commission"],
        ("wire", "place:germany"): ["Germany"],
        ("wire", "place:poland"): ["Poland"],
        ("wire", "organization:port-of-rotterdam-authority"): ["Port of Rotterdam Authority"],
    }
    # Across articles: a particle surname labelled an organisation joins the person; "John
    # Paul" is the one "John Paul II"; another agency in running text stays; the credited one
    # ("(AP)") does not; "Parliament" with no qualified parliament in its own text, and "House"
    # beside the unqualified "White House", stay themselves.
    assert {k: v for k, v in per_body.items() if k[0] == "bare"} == {
        ("bare", "person:clinton"): ["Clinton"],
        ("bare", "place:paris"): ["Paris"],
        ("bare", "person:john-paul-ii"): ["John Paul"],
        ("bare", "person:ursula-von-der-leyen"): ["Von der Leyen"],
        ("bare", "organization:reuters"): ["Reuters"],
        ("bare", "organization:parliament"): ["Parliament"],
        ("bare", "organization:house"): ["House"],
    }
    assert per_body[("senator", "person:john-paul-ii")] == ["John Paul II"]
    assert per_body[("senator", "organization:house")] == ["House"]
    # A bare surname two full names share evenly stays apart, flagged with both candidates.
    flagged = actor_rows.filter(pl.col("ambiguous").is_not_null()).select("actor_id", "ambiguous").rows()
    assert flagged == [("person:clinton", ["Bill Clinton", "Hillary Rodham Clinton"])]


def test_names_the_corpus_knows_are_found_where_the_recogniser_missed_them(tmp_path, lexicon):
    """known_b has no entity spans at all: the names tagged in known_a are found again in it,
    whole runs of capitals only ("Harbour Select" is a results-table name of its own); the
    agency that credits the text is provenance however it was found; a dictionary word the
    corpus knows as a name ("Atlas", tagged mid-sentence in known_a; the town of Brick) is not
    taken from a sentence start on that evidence alone, nor an acronym after a figure."""
    per_body, names = resolved(["known_a", "known_b"], aliases_frame(ALIAS_HEADER, tmp_path), lexicon)
    assert {k: v for k, v in per_body.items() if k[0] == "known_b"} == {
        ("known_b", "place:tromsdal"): ["TROMSDAL", "Tromsdal"],
        ("known_b", "organization:halvorsen-shipping"): ["Halvorsen Shipping"],
        ("known_b", "person:marit-solberg"): ["Marit Solberg"],
        ("known_b", "organization:nordkyst-ferries"): ["Nordkyst Ferries"],
        ("known_b", "organization:harbour-select"): ["Harbour Select"],
        ("known_b", "place:brick"): ["Brick"],
    }
    assert per_body[("known_a", "organization:atlas")] == ["Atlas"]
    # "1.5 GW" is a unit, not the GW consortium; "Brick kilns" is the word at a sentence start,
    # "at Brick:" the town.
    assert per_body[("known_a", "organization:gw")] == ["GW"]
    mentions, _ = resolve(*fixture_spans("known_a", "known_b"), aliases_frame(ALIAS_HEADER, tmp_path), lexicon)
    body = (FIXTURES / "known_b.txt").read_text(encoding="utf-8")
    bricks = mentions.filter((pl.col("content_hash") == "known_b") & (pl.col("surface") == "Brick"))["start_char"].to_list()
    assert bricks == [body.index("at Brick:") + 3]
    # Alone, known_b knows none of those names.
    alone, _ = resolved(["known_b"], aliases_frame(ALIAS_HEADER, tmp_path), lexicon)
    assert set(alone) == {("known_b", "organization:nordkyst-ferries"), ("known_b", "organization:harbour-select")}


def test_names_found_through_the_corpus_follow_it_between_runs(tmp_path):
    """A body resolved before the corpus knew its names is resolved again when another text
    tags them, and ends as a run from scratch does."""
    alias_file = tmp_path / "aliases.csv"
    alias_file.write_text(ALIAS_HEADER, encoding="utf-8")
    warehouse = WarehouseResource(path=str(tmp_path / "step.duckdb"))
    add_articles(warehouse, ["known_b"])
    materialize_actors(warehouse, alias_file)
    assert "person:marit-solberg" not in str(warehouse_rows(warehouse, MENTION_ROWS))
    add_articles(warehouse, ["known_a"])
    later = materialize_actors(warehouse, alias_file)
    assert (later["bodies_resolved"], later["bodies_stale"]) == (2, 1)

    scratch = WarehouseResource(path=str(tmp_path / "scratch.duckdb"))
    add_articles(scratch, ["known_b", "known_a"])
    materialize_actors(scratch, alias_file)
    assert warehouse_rows(warehouse, MENTION_ROWS) == warehouse_rows(scratch, MENTION_ROWS)
    assert ("a-known_b", "person:marit-solberg", "Marit Solberg", 95) in warehouse_rows(warehouse, MENTION_ROWS)
    assert warehouse_rows(warehouse, ACTOR_ROWS) == warehouse_rows(scratch, ACTOR_ROWS)


def test_state_abbreviations_and_places_opening_an_event_name(tmp_path, lexicon):
    """"Calif." and "Fla." are the states; "U.S." opening "U.S. Open" or "U.S. Amateur
    Championship" is part of the event's name, not the country, while "U.S." opening an
    organisation's name stays in that name and "the United States" is the country."""
    aliases = aliases_frame(ALIAS_HEADER + "merge,U.S.,United States,place\n", tmp_path)
    per_body, names = resolved(["events"], aliases, lexicon)
    assert per_body[("events", "place:california")] == ["Calif"]
    assert per_body[("events", "place:florida")] == ["Fla."]
    assert per_body[("events", "place:united-states")] == ["United States"]
    assert per_body[("events", "organization:us-tennis-association")] == ["U.S. Tennis Association"]
    assert names["place:california"] == ("California", "place")


@pytest.mark.parametrize(
    "text, event",
    [
        ("won the U.S. Open title", True),
        ("RESULTS FROM THE U.S. OPEN.", True),
        ("after the Atlanta Games ended", True),
        ("her U.S. Amateur Championship title", True),
        ("the U.S. open market", False),
        ("U.S. President Lena Marsh", False),
        ("Japan beat Brazil", False),
    ],
)
def test_event_name_follows(text, event):
    from assets.actors.resolution import _event_name_follows

    place = "U.S." if "U.S." in text else ("Atlanta" if "Atlanta" in text else "Japan")
    end = text.index(place) + len(place)
    assert _event_name_follows(text, end) is event


def test_names_of_ordinary_words_capitalised_in_a_sentence(tmp_path, lexicon):
    """"Red Crescent" is made of ordinary words, but capitalised in the middle of a sentence:
    a name. The headline in title case, the menu line and the button are page text, and a
    word before an acronym ("Ground AI" in the page fixture) is not enough."""
    per_body, names = resolved(["prose"], aliases_frame(ALIAS_HEADER, tmp_path), lexicon)
    assert set(names) == {
        "organization:mountain-rescue-service",
        "organization:red-crescent",
        "organization:open-skies-foundation",
    }
    assert lexicon.is_ordinary("red") and lexicon.is_ordinary("crescent")


def test_acronyms_the_text_defines_and_acronyms_the_corpus_knows(tmp_path, lexicon):
    """The acronym a text defines names the institution wherever the text uses it, tagged or
    not; an acronym the model tagged in a sentence elsewhere ("NLF") is found again in a text
    where it was missed."""
    per_body, names = resolved(["acronyms", "acronyms_b"], aliases_frame(ALIAS_HEADER, tmp_path), lexicon)
    assert per_body[("acronyms", "organization:coastal-narcotics-bureau")] == ["Coastal Narcotics Bureau", "CNB", "CNB"]
    assert per_body[("acronyms_b", "organization:nlf")] == ["NLF"]


def test_people_the_recogniser_missed_in_a_list_of_people(tmp_path, lexicon):
    """In a line of items the model tagged mostly as people, the untagged items of two to four
    capitalised words are people too ("Eirik Dahl", "Ivo Novak", the substitute "Lars Moe 75th"),
    but not a country in brackets,
    and not the untagged item of a list of organisations ("Tromsdal Rovers")."""
    per_body, names = resolved(["lineup"], aliases_frame(ALIAS_HEADER, tmp_path), lexicon)
    people = {a for a, (_, kind) in names.items() if kind == "person"}
    assert people == {
        "person:eirik-dahl", "person:sindre-vik", "person:jonas-lie", "person:tor-bakke", "person:lars-moe",
        "person:ivo-novak", "person:lena-marsh",
    }
    assert "person:czech-republic" not in names
    assert "person:tromsdal-rovers" not in names


def test_a_regnal_number_is_no_acronym(tmp_path, lexicon):
    """"VI" is an ordinary word to the lexicon and looks like an acronym, but after a name it is
    a regnal number: "Charles VI" is a person, and the bare "Charles" of the text is him."""
    from assets.actors.resolution import _looks_like_person

    per_body, names = resolved(["regnal"], aliases_frame(ALIAS_HEADER, tmp_path), lexicon)
    assert per_body[("regnal", "person:charles-vi")] == ["Charles VI", "Charles"]
    assert _looks_like_person("Louis XIV") and not _looks_like_person("Ground AI")


def test_single_word_teams_of_results_and_standings_tables(tmp_path, lexicon):
    """"Clyde" and "Albion" are dictionary words, but they name a team in every row of a results
    and a standings table; a lone "Attendance 4,500" or "Total 250" row is no table."""
    from assets.actors.candidates import results_rows

    per_body, names = resolved(["standings"], aliases_frame(ALIAS_HEADER, tmp_path), lexicon)
    assert set(names) == {
        "organization:albion", "organization:clyde", "organization:harbour-select", "organization:queen-of-south",
    }
    assert per_body[("standings", "organization:clyde")] == ["Clyde", "Clyde"]
    assert lexicon.is_word("clyde") and lexicon.is_word("albion")
    body = (FIXTURES / "standings.txt").read_text(encoding="utf-8")
    assert sorted({body[s:e] for s, e in results_rows(body)}) == ["Albion", "Clyde", "Harbour Select", "Queen of South"]


def test_the_nations_of_the_united_kingdom_are_places(lexicon):
    """"Wales" is a dictionary word (the plural of "wale"): at the start of a sentence only the
    gazetteer keeps it, so the UK's nations are in it, not taken for ordinary words."""
    from assets.actors.lexicons import load_gazetteer

    gaz = load_gazetteer().with_lexicon(lexicon)
    assert [gaz.strong_place(k) for k in ("wales", "england", "scotland", "northern ireland")] == [
        "Wales", "England", "Scotland", "Northern Ireland",
    ]
    assert lexicon.is_word("wales")
