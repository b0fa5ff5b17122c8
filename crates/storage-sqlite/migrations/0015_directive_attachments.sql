-- Files of a directive (docs/design/operations.md "Directives and tasks down the tree"): the
-- sender's (`unit_id` NULL: the annexes, the forms to fill) and those a receiving unit attached
-- to its report (`unit_id`: that unit). Kept as document attachments are: base64 text, the
-- SHA-256 of the bytes, the type told from the content.
CREATE TABLE directive_attachments (
    id INTEGER PRIMARY KEY,
    directive_id INTEGER NOT NULL REFERENCES directives (id),
    unit_id INTEGER REFERENCES units (id),
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX directive_attachments_directive ON directive_attachments (directive_id);

-- The receipts a unit passed on, found without reading every receipt of a directive (a unit's
-- list and to-do badge count them).
CREATE INDEX directive_receipts_via ON directive_receipts (via_unit, directive_id);
