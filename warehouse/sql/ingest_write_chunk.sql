-- One chunk of ingestion, in one transaction: the files examined (_files, with processed_at),
-- the article records parsed from them (_records) and the files refused (_rejected). A file
-- parsed again (new bytes) first loses the records and the refusal it produced before; a file
-- whose bytes are unchanged under a new modification time only gets its ledger row updated.
DELETE FROM raw_records WHERE source_path IN (SELECT source_path FROM _files WHERE status <> 'unchanged');
DELETE FROM rejected_files WHERE source_path IN (SELECT source_path FROM _files WHERE status <> 'unchanged');
DELETE FROM landing_files WHERE source_path IN (SELECT source_path FROM _files);
INSERT INTO landing_files BY NAME SELECT * FROM _files;
INSERT INTO raw_records BY NAME SELECT * FROM _records;
INSERT INTO rejected_files BY NAME SELECT * FROM _rejected;
