-- One dedup chunk in one transaction: the signatures with their groups (_signatures) and the
-- duplicate links (_duplicates); rows of an interrupted earlier attempt are replaced.
DELETE FROM duplicates WHERE article_id IN (SELECT article_id FROM _signatures);
DELETE FROM article_signatures WHERE article_id IN (SELECT article_id FROM _signatures);
INSERT INTO article_signatures BY NAME SELECT * FROM _signatures;
INSERT INTO duplicates BY NAME SELECT * FROM _duplicates;
