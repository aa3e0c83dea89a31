-- A file parsed again (new, or changed in place) replaces everything it produced before.
-- $1: list of source paths parsed in this run.
DELETE FROM articles WHERE list_contains($1, source_path);
