-- The rows of the keys dedup_mark_common.sql just marked as boilerplate leave `dedup_keys`.
DELETE FROM dedup_keys
WHERE kind = 'sample'
  AND key IN (SELECT key FROM dedup_common_keys WHERE key IN (SELECT unnest(shingle_sample) FROM _signatures));
