-- Quality evaluation rounds (domain::evaluation, docs/design/evaluation.md): a round a committee
-- opens for its subtree with the regulation of its opening day, and one evaluation per member on
-- the lists and per organization below, with each step's level (and score under 366-QĐ/TW).
-- `group_unit_id` is the group the quota of "excellent" counts in: a member's chi bộ, an
-- organization's superior.
CREATE TABLE evaluation_rounds (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    period TEXT NOT NULL,
    regulation TEXT NOT NULL,
    quota_percent INTEGER NOT NULL,
    opened_on DATE NOT NULL,
    closed_on DATE,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE UNIQUE INDEX evaluation_rounds_period ON evaluation_rounds (unit_id, period);

CREATE TABLE evaluations (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES evaluation_rounds (id),
    member_id INTEGER REFERENCES members (id),
    subject_unit_id INTEGER REFERENCES units (id),
    group_unit_id INTEGER NOT NULL REFERENCES units (id),
    disciplined INTEGER NOT NULL,
    self_level TEXT,
    self_score INTEGER,
    self_note TEXT,
    proposed_level TEXT,
    proposed_score INTEGER,
    proposal_note TEXT,
    decided_level TEXT,
    decided_score INTEGER,
    decided_on DATE,
    decided_by TEXT,
    version INTEGER NOT NULL
);
CREATE INDEX evaluations_round ON evaluations (round_id, group_unit_id);
CREATE INDEX evaluations_member ON evaluations (member_id);
