-- Questions, proposals and recommendations sent up the tree (docs/design/operations.md
-- "Feedback upward"): from a member (`from_member`) or a unit (`from_unit`) to a committee
-- above (`to_unit`), answered there.
CREATE TABLE feedback (
    id INTEGER PRIMARY KEY,
    version INTEGER NOT NULL,
    from_member INTEGER REFERENCES members (id),
    from_unit INTEGER REFERENCES units (id),
    to_unit INTEGER NOT NULL REFERENCES units (id),
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    sent_on DATE NOT NULL,
    sent_by TEXT NOT NULL,
    answer TEXT,
    answered_on DATE,
    answered_by TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX feedback_to ON feedback (to_unit, sent_on);
CREATE INDEX feedback_from_member ON feedback (from_member);
CREATE INDEX feedback_from_unit ON feedback (from_unit);
