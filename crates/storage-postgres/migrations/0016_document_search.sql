-- Accelerates the document search (docs/design/operations.md "Documents"). What matches is
-- decided by `domain::documents::matches`; the database only narrows the candidates to the
-- documents whose folded text contains the first word typed, through `document_search` — the
-- same name and columns on both engines, so the query is one text. Here a view over `documents`
-- whose LIKE uses a trigram index (`pg_trgm`, a trusted extension: the database's owner may
-- create it); on SQLite an FTS5 index of trigrams kept by triggers.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX document_search_trigrams ON documents USING gin (search_folded gin_trgm_ops);
CREATE VIEW document_search AS SELECT id AS rowid, search_folded FROM documents;
