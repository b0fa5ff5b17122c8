-- Member routines on a calendar (rules.md §5.2, §5.4, §6, §7; docs/design/member-routines.md):
-- the discipline register with what keeps a discipline in force, exemptions with their periods
-- and renewals, the party card register, and party badges — proposal lists per unit and award
-- day, and the badges each member holds. Versioned rows: concurrent edits conflict.
CREATE TABLE disciplines (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members (id),
    form TEXT NOT NULL,
    body TEXT NOT NULL,
    decision TEXT NOT NULL,
    decided_on DATE NOT NULL,
    announced_on DATE NOT NULL,
    reason TEXT NOT NULL,
    post TEXT,
    lifted_on DATE,
    lift_decision TEXT,
    event_id INTEGER,
    version INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX disciplines_member ON disciplines (member_id);
CREATE INDEX disciplines_announced ON disciplines (announced_on);

CREATE TABLE discipline_interruptions (
    id INTEGER PRIMARY KEY,
    discipline_id INTEGER NOT NULL REFERENCES disciplines (id),
    kind TEXT NOT NULL,
    on_date DATE NOT NULL,
    note TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX discipline_interruptions_discipline ON discipline_interruptions (discipline_id);

CREATE TABLE exemptions (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members (id),
    ground TEXT NOT NULL,
    resolved_on DATE NOT NULL,
    resolution TEXT NOT NULL,
    from_date DATE NOT NULL,
    until_date DATE,
    event_id INTEGER NOT NULL,
    ended_on DATE,
    end_event_id INTEGER,
    version INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX exemptions_member ON exemptions (member_id);

CREATE TABLE exemption_renewals (
    id INTEGER PRIMARY KEY,
    exemption_id INTEGER NOT NULL REFERENCES exemptions (id),
    resolved_on DATE NOT NULL,
    resolution TEXT NOT NULL,
    until_before DATE,
    until_date DATE,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX exemption_renewals_exemption ON exemption_renewals (exemption_id);

CREATE TABLE party_cards (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members (id),
    series TEXT NOT NULL,
    number TEXT NOT NULL,
    kind TEXT NOT NULL,
    issued_on DATE NOT NULL,
    decision TEXT NOT NULL,
    round TEXT NOT NULL,
    ended_on DATE,
    end_kind TEXT,
    end_note TEXT,
    version INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE UNIQUE INDEX party_cards_number ON party_cards (series, number);
CREATE INDEX party_cards_member ON party_cards (member_id);
CREATE INDEX party_cards_issued ON party_cards (issued_on);

CREATE TABLE badge_lists (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    award_on DATE NOT NULL,
    wait_rule TEXT NOT NULL,
    status TEXT NOT NULL,
    sent_on DATE,
    decision TEXT,
    decided_on DATE,
    issuer TEXT,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE UNIQUE INDEX badge_lists_unit_day ON badge_lists (unit_id, award_on);

CREATE TABLE badge_list_lines (
    list_id INTEGER NOT NULL REFERENCES badge_lists (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    milestone INTEGER NOT NULL,
    circumstance TEXT NOT NULL,
    early_months INTEGER NOT NULL,
    PRIMARY KEY (list_id, member_id)
);

CREATE TABLE member_badges (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members (id),
    milestone INTEGER NOT NULL,
    awarded_on DATE NOT NULL,
    decision TEXT NOT NULL,
    issuer TEXT NOT NULL,
    circumstance TEXT NOT NULL,
    list_id INTEGER REFERENCES badge_lists (id),
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE UNIQUE INDEX member_badges_milestone ON member_badges (member_id, milestone);
CREATE INDEX member_badges_awarded ON member_badges (awarded_on);
