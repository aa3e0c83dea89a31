-- One dedup chunk in one transaction: the signatures with their groups (_signatures) and the
-- duplicate links (_duplicates), and their lookup keys; rows of an interrupted earlier attempt
-- are replaced. A sampled shingle already known as boilerplate (dedup_common_keys) is not
-- stored again; dedup_mark_common.sql then marks the ones this chunk made common.
DELETE FROM duplicates WHERE article_id IN (SELECT article_id FROM _signatures);
-- Keys are stored only with their signature, so only the chunk's articles that have one can
-- have keys: looked up in the signatures first, so that a chunk of articles new to the
-- warehouse (the usual case) does not scan all the keys (millions of rows at 100k articles).
DELETE FROM dedup_keys WHERE article_id IN (
    SELECT article_id FROM article_signatures WHERE article_id IN (SELECT article_id FROM _signatures));
DELETE FROM article_signatures WHERE article_id IN (SELECT article_id FROM _signatures);
INSERT INTO article_signatures BY NAME SELECT * FROM _signatures;
INSERT INTO dedup_keys SELECT 'band', unnest(lsh_bands), article_id FROM _signatures;
INSERT INTO dedup_keys
SELECT 'sample', key, article_id
FROM (SELECT unnest(shingle_sample) AS key, article_id FROM _signatures)
WHERE key NOT IN (SELECT key FROM dedup_common_keys);
INSERT INTO duplicates BY NAME SELECT * FROM _duplicates;
