-- Transfers of party activity as the two-sided procedure (docs/design/transfers.md): the letter
-- the sending side issued (number, date, issuer), where it goes, and what became of it. The
-- register's events (`chuyen-di`, `chuyen-den`, the void of a refused or cancelled letter) are
-- written with the row; `out_event_id`, `in_event_id` and `return_event_id` name them.
-- `from_unit_id`/`to_unit_id` are units of the register; `from_outside`/`to_outside` name an
-- organization outside it (exactly one of each pair is set). `outcome` is NULL while the member
-- is on the way, else accepted, refused, cancelled or closed (the return slip from outside).
CREATE TABLE transfers (
    id INTEGER PRIMARY KEY,
    version INTEGER NOT NULL,
    member_id INTEGER NOT NULL REFERENCES members (id),
    mode TEXT NOT NULL,
    temporary_reason TEXT,
    from_unit_id INTEGER REFERENCES units (id),
    from_outside TEXT,
    to_unit_id INTEGER REFERENCES units (id),
    to_outside TEXT,
    route TEXT NOT NULL,
    letter_number TEXT NOT NULL,
    letter_date DATE NOT NULL,
    letter_issuer TEXT NOT NULL,
    until_on DATE,
    cause TEXT NOT NULL,
    cause_on DATE,
    presented_on DATE,
    outcome TEXT,
    outcome_on DATE,
    accepted_unit_id INTEGER REFERENCES units (id),
    outcome_text TEXT,
    returned_on DATE,
    out_event_id INTEGER,
    in_event_id INTEGER,
    return_event_id INTEGER,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX transfers_member ON transfers (member_id);
CREATE INDEX transfers_from ON transfers (from_unit_id, letter_date);
CREATE INDEX transfers_to ON transfers (to_unit_id, letter_date);
CREATE INDEX transfers_accepted ON transfers (accepted_unit_id);
CREATE INDEX transfers_pending ON transfers (outcome, letter_date);
