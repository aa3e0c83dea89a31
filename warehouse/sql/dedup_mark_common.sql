-- After a chunk's keys are stored (dedup_write_chunk.sql): its sampled shingles now held by more
-- than $1 stored articles become boilerplate (`dedup_common_keys`), and their rows leave
-- `dedup_keys`, so later lookups never join through them. Only the chunk's own keys can have
-- crossed the line. A key stays common once marked, even if articles holding it are removed
-- later (their file changed): boilerplate seen that often is boilerplate.
INSERT INTO dedup_common_keys
SELECT key FROM dedup_keys
WHERE kind = 'sample' AND key IN (SELECT unnest(shingle_sample) FROM _signatures)
GROUP BY key HAVING count(*) > $1;
