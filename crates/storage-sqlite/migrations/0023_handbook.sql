-- The member's handbook (docs/design/handbook.md): members' answers to their chi bộ's
-- invitations (`attending` 1, or 0 with the reason), bookmarks of documents, and the minutes a
-- chi bộ shared with its members.
CREATE TABLE meeting_replies (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    attending INTEGER NOT NULL,
    reason TEXT,
    answered_at TEXT NOT NULL,
    PRIMARY KEY (meeting_id, member_id)
);
CREATE INDEX meeting_replies_member ON meeting_replies (member_id);

CREATE TABLE document_bookmarks (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    document_id INTEGER NOT NULL REFERENCES documents (id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (account_id, document_id)
);

CREATE TABLE shared_minutes (
    meeting_id INTEGER PRIMARY KEY REFERENCES meetings (id),
    shared_by TEXT NOT NULL,
    shared_at TEXT NOT NULL
);
