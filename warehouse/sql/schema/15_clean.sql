-- The cleaning stage's memory: per outlet, in how many documents each short line was seen
-- (line_hash: the line with case, punctuation and spacing ignored). A line an outlet prints in many
-- documents is furniture (a slogan, a share prompt); new documents are cleaned against these
-- running totals as well as against the lines of their own batch.
CREATE TABLE IF NOT EXISTS outlet_line_stats (
    outlet     VARCHAR NOT NULL,
    line_hash  VARCHAR NOT NULL,
    documents  BIGINT NOT NULL,
    PRIMARY KEY (outlet, line_hash)
);
