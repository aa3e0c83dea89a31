-- Stored document frequencies of the features of one chunk (registered relation _terms: term).
SELECT d.term, d.df
FROM story_term_df AS d
JOIN _terms USING (term)
