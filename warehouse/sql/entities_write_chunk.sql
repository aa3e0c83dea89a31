-- One entity chunk in one transaction: a run row per body (_runs) and its spans (_spans).
-- A body analysed by an earlier, interrupted attempt is never doubled: its rows are replaced.
DELETE FROM entity_spans WHERE content_hash IN (SELECT content_hash FROM _runs);
DELETE FROM entity_runs WHERE content_hash IN (SELECT content_hash FROM _runs);
INSERT INTO entity_runs BY NAME SELECT * FROM _runs;
INSERT INTO entity_spans BY NAME SELECT * FROM _spans;
