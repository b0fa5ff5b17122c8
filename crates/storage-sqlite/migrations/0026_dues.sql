-- Party dues (domain::dues, docs/design/dues.md): each member's bases (declared by the member or
-- recorded by the chi bộ, confirmed by the chi bộ), the reliefs decided, the payments each chi bộ
-- collects, and each unit's remittances up the tree. Months are 'YYYY-MM' text, amounts whole
-- đồng. A basis's source is 'member' (declared in the handbook) or 'chi-bo' (recorded by staff).
CREATE TABLE dues_bases (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members (id),
    from_month TEXT NOT NULL,
    kind TEXT NOT NULL,
    amount INTEGER,
    declared_at TEXT NOT NULL,
    declared_by TEXT NOT NULL,
    source TEXT NOT NULL,
    confirmed_at TEXT,
    confirmed_by TEXT
);
CREATE INDEX dues_bases_member ON dues_bases (member_id, from_month);

CREATE TABLE dues_reliefs (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members (id),
    kind TEXT NOT NULL,
    from_month TEXT NOT NULL,
    to_month TEXT NOT NULL,
    decision TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX dues_reliefs_member ON dues_reliefs (member_id);

-- A payment belongs to the chi bộ whose list held the member on the day paid.
CREATE TABLE dues_payments (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members (id),
    unit_id INTEGER NOT NULL REFERENCES units (id),
    month TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount > 0),
    paid_on DATE NOT NULL,
    method TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    cancelled_at TEXT,
    cancelled_by TEXT,
    cancel_reason TEXT
);
CREATE INDEX dues_payments_member ON dues_payments (member_id, month);
CREATE INDEX dues_payments_unit ON dues_payments (unit_id, paid_on);

-- What a unit sends up for one month of its ledger; `seq` numbers a month's remittances so two
-- people remitting the same month at once cannot both write (the unique index refuses the second).
CREATE TABLE dues_remittances (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    to_unit_id INTEGER REFERENCES units (id),
    month TEXT NOT NULL,
    seq INTEGER NOT NULL,
    amount INTEGER NOT NULL CHECK (amount > 0),
    sent_on DATE NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE UNIQUE INDEX dues_remittances_seq ON dues_remittances (unit_id, month, seq);
CREATE INDEX dues_remittances_to ON dues_remittances (to_unit_id, month);
