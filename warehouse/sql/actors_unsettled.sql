-- Articles the actors step's ledger (actor_articles) does not account for as they are now:
-- analysed bodies' articles without a ledger row for their current body (new copies of a body
-- included), ledger rows of articles gone or changed, and bodies resolved into the cache but not
-- published (a run killed before its end). None, with no body new or gone and the cache's
-- settings unchanged: the step has nothing to do.
SELECT
    (SELECT count(*)
     FROM article_texts AS t
     LEFT JOIN actor_articles AS a ON a.article_id = t.article_id AND a.content_hash IS NOT DISTINCT FROM t.content_hash
     WHERE a.article_id IS NULL AND t.content_hash IN (SELECT content_hash FROM entity_runs))
  + (SELECT count(*)
     FROM actor_articles AS a
     LEFT JOIN article_texts AS t ON t.article_id = a.article_id AND t.content_hash IS NOT DISTINCT FROM a.content_hash
     WHERE t.article_id IS NULL)
  + (SELECT count(*) FROM actor_unpublished) AS unsettled
