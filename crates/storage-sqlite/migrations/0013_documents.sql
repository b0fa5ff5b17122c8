-- A committee's document library (docs/design/operations.md "Documents"): documents with whom
-- they are for, their attachments (kept in the database, so several app servers share them;
-- base64 text, one representation on both engines and in backups), and who opened each.
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    version INTEGER NOT NULL,
    kind TEXT NOT NULL,
    number TEXT,
    issued_on DATE NOT NULL,
    issuer TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT,
    valid_until DATE,
    reach_kinds TEXT NOT NULL,
    reach_depth INTEGER,
    roles TEXT NOT NULL,
    -- What the search reads: folded (domain::text::fold) and as written (for words typed with
    -- diacritics); domain::documents::matches decides.
    search_folded TEXT NOT NULL,
    search_written TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX documents_unit ON documents (unit_id, issued_on);

CREATE TABLE document_attachments (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents (id),
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX document_attachments_document ON document_attachments (document_id);

-- Read receipts: the first time each account opened a document, and the unit it read for.
CREATE TABLE document_reads (
    document_id INTEGER NOT NULL REFERENCES documents (id),
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    unit_id INTEGER REFERENCES units (id),
    first_read_at TEXT NOT NULL,
    PRIMARY KEY (document_id, account_id)
);
