-- Directives (văn bản chỉ đạo) a committee sends down its subtree, and what each receiving unit
-- did with them (docs/design/operations.md "Directives and tasks down the tree").
--
-- The receivers are fixed when the directive is sent (the tree as it stood that day); a deadline
-- in working days is kept as typed and its last day computed at every read from the calendar in
-- force, like every deadline in dangvu.
CREATE TABLE directives (
    id INTEGER PRIMARY KEY,
    sender_unit INTEGER NOT NULL REFERENCES units (id),
    kind TEXT NOT NULL,
    number TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    sent_on DATE NOT NULL,
    -- Unit kind codes separated by spaces ('' : every kind) and the levels below the sender
    -- (NULL: any depth), as chosen (domain::directives::Reach).
    reach_kinds TEXT NOT NULL,
    reach_depth INTEGER,
    -- The task (NULL: for information) and its deadline: working days or a date.
    task TEXT,
    deadline_days INTEGER,
    deadline_date DATE,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX directives_sender ON directives (sender_unit, sent_on);

-- One row per receiving unit. `via_unit` is NULL for the units the sender reached, otherwise
-- the receiving unit that passed the task on inside itself (a grassroots committee to its chi
-- bộ), which may set an earlier last day (`due_on`).
CREATE TABLE directive_receipts (
    directive_id INTEGER NOT NULL REFERENCES directives (id),
    unit_id INTEGER NOT NULL REFERENCES units (id),
    via_unit INTEGER REFERENCES units (id),
    due_on DATE,
    version INTEGER NOT NULL,
    opened_on DATE,
    opened_by TEXT,
    started_on DATE,
    done_on DATE,
    report TEXT,
    reported_by TEXT,
    reminded_on DATE,
    reminders INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (directive_id, unit_id)
);
CREATE INDEX directive_receipts_unit ON directive_receipts (unit_id, directive_id);
