-- Proposals to strike a member's name off (docs/design/strike-off.md, rules.md §5.1): the chi
-- bộ's resolution (`resolution_*`, the votes) on a reason with its evidence, then the committee's
-- decision — `decision` NULL while it waits, `struck` (its number, date and issuer; the
-- register's event `event_id`) or `kept` (with the reason in `decision_note`).
CREATE TABLE strike_off_proposals (
    id INTEGER PRIMARY KEY,
    version INTEGER NOT NULL,
    member_id INTEGER NOT NULL REFERENCES members (id),
    unit_id INTEGER NOT NULL REFERENCES units (id),
    reason TEXT NOT NULL,
    evidence TEXT NOT NULL,
    resolution_on DATE NOT NULL,
    resolution_text TEXT NOT NULL,
    votes_for INTEGER NOT NULL,
    votes_counted INTEGER NOT NULL,
    decision TEXT,
    decided_on DATE,
    decision_number TEXT,
    decision_issuer TEXT,
    decision_note TEXT,
    event_id INTEGER,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX strike_off_proposals_member ON strike_off_proposals (member_id);
CREATE INDEX strike_off_proposals_unit ON strike_off_proposals (unit_id, resolution_on);
