-- Accelerates the document search (docs/design/operations.md "Documents"). What matches is
-- decided by `domain::documents::matches`; the database only narrows the candidates to the
-- documents whose folded text contains the first word typed, through `document_search` — the
-- same name and columns on both engines, so the query is one text. Here an FTS5 index of
-- trigrams over `documents.search_folded` (its LIKE uses the index), kept by triggers; on
-- PostgreSQL a view over `documents` with a `pg_trgm` index.
CREATE VIRTUAL TABLE document_search USING fts5 (search_folded, content = 'documents', content_rowid = 'id', tokenize = 'trigram');
INSERT INTO document_search (document_search) VALUES ('rebuild');
CREATE TRIGGER document_search_insert AFTER INSERT ON documents BEGIN
    INSERT INTO document_search (rowid, search_folded) VALUES (new.id, new.search_folded);
END;
CREATE TRIGGER document_search_update AFTER UPDATE OF search_folded ON documents BEGIN
    INSERT INTO document_search (document_search, rowid, search_folded) VALUES ('delete', old.id, old.search_folded);
    INSERT INTO document_search (rowid, search_folded) VALUES (new.id, new.search_folded);
END;
CREATE TRIGGER document_search_delete AFTER DELETE ON documents BEGIN
    INSERT INTO document_search (document_search, rowid, search_folded) VALUES ('delete', old.id, old.search_folded);
END;
