-- A member's requests to correct their own record (docs/design/change-requests.md): the
-- particular (`field`), what it should say, why, an optional attachment (base64, as documents
-- keep theirs), and the answer — `status` pending, accepted (`answer`: what the record now says)
-- or refused (`answer`: the reason), on `answered_on` by `answered_by`.
CREATE TABLE change_requests (
    id INTEGER PRIMARY KEY,
    version INTEGER NOT NULL,
    member_id INTEGER NOT NULL REFERENCES members (id),
    field TEXT NOT NULL,
    proposed TEXT NOT NULL,
    note TEXT NOT NULL,
    attachment_name TEXT,
    attachment_type TEXT,
    attachment_sha256 TEXT,
    attachment_size INTEGER,
    attachment_content TEXT,
    status TEXT NOT NULL,
    answered_on DATE,
    answered_by TEXT,
    answer TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX change_requests_member ON change_requests (member_id);
CREATE INDEX change_requests_status ON change_requests (status, id);
