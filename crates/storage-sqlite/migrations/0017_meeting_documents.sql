-- The documents of a meeting (rules.md §9: posted for the members at least one day before it
-- begins; 42-HD/BTCTW), kept as attachments are: base64 text, the SHA-256 of the bytes, the type
-- told from the content; `posted_at` decides whether it came in time.
CREATE TABLE meeting_documents (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings (id),
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content TEXT NOT NULL,
    posted_at TEXT NOT NULL,
    posted_by TEXT NOT NULL
);
CREATE INDEX meeting_documents_meeting ON meeting_documents (meeting_id);
