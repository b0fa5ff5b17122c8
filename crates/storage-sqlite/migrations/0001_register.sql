-- Dates are ISO text (YYYY-MM-DD) in columns declared DATE, so they sort and compare as dates.
-- The dated register: units with versions and a time-sliced closure table, members with dated
-- profiles, append-only membership events and the spans derived from them, and the change log
-- that keeps every process's in-memory index in step. PostgreSQL has the same tables
-- (storage-postgres/migrations); the schema-parity test keeps them equal.

CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL
);

-- Every operation on units, with its decision: create, rename, move, merge, split, dissolve.
CREATE TABLE unit_operations (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    effective_date DATE NOT NULL,
    decision_number TEXT NOT NULL,
    decision_date DATE NOT NULL,
    issuer TEXT NOT NULL,
    note TEXT,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);

-- A unit's versions, each valid on [valid_from, valid_to); valid_to NULL = still valid.
CREATE TABLE unit_versions (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    valid_from DATE NOT NULL,
    valid_to DATE,
    kind TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    name_fold TEXT NOT NULL,
    parent_id INTEGER REFERENCES units (id),
    operation_id INTEGER NOT NULL REFERENCES unit_operations (id),
    -- The operation that ended this version (NULL while valid).
    ended_by INTEGER REFERENCES unit_operations (id)
);
CREATE INDEX unit_versions_unit ON unit_versions (unit_id, valid_from);
CREATE INDEX unit_versions_parent ON unit_versions (parent_id, valid_from);
CREATE INDEX unit_versions_code ON unit_versions (code);

-- Successor links of merges and splits.
CREATE TABLE unit_links (
    predecessor_id INTEGER NOT NULL REFERENCES units (id),
    successor_id INTEGER NOT NULL REFERENCES units (id),
    operation_id INTEGER NOT NULL REFERENCES unit_operations (id),
    effective_date DATE NOT NULL,
    PRIMARY KEY (predecessor_id, successor_id)
);
CREATE INDEX unit_links_successor ON unit_links (successor_id);

-- ancestor is depth levels above descendant on every day of [valid_from, valid_to).
CREATE TABLE unit_closure (
    ancestor_id INTEGER NOT NULL,
    descendant_id INTEGER NOT NULL,
    depth INTEGER NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE
);
CREATE INDEX unit_closure_ancestor ON unit_closure (ancestor_id, valid_from);
CREATE INDEX unit_closure_descendant ON unit_closure (descendant_id);

CREATE TABLE members (
    id INTEGER PRIMARY KEY,
    version INTEGER NOT NULL,
    full_name TEXT NOT NULL,
    name_fold TEXT NOT NULL,
    sort_key TEXT NOT NULL,
    other_names TEXT,
    gender TEXT NOT NULL,
    birth_date DATE NOT NULL,
    birthplace TEXT,
    hometown TEXT,
    ethnicity TEXT NOT NULL,
    religion TEXT NOT NULL,
    citizen_id TEXT NOT NULL,
    phone TEXT,
    party_card_number TEXT,
    ly_lich_number TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE UNIQUE INDEX members_citizen_id ON members (citizen_id);
CREATE UNIQUE INDEX members_party_card_number ON members (party_card_number);
CREATE UNIQUE INDEX members_ly_lich_number ON members (ly_lich_number);

-- Dated attributes: each row valid from valid_from (NULL = since always) until the next.
CREATE TABLE member_profiles (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members (id),
    valid_from DATE,
    general_education TEXT NOT NULL,
    professional TEXT NOT NULL,
    academic_title TEXT NOT NULL,
    political_theory TEXT NOT NULL,
    foreign_language TEXT NOT NULL,
    it_level TEXT NOT NULL,
    occupation TEXT NOT NULL,
    youth_union INTEGER NOT NULL,
    residence TEXT,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX member_profiles_member ON member_profiles (member_id);

-- Append-only: a correction is a new row pointing at the original (corrects_event_id).
CREATE TABLE membership_events (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members (id),
    kind TEXT NOT NULL,
    effective_date DATE,
    unit_id INTEGER REFERENCES units (id),
    to_unit_id INTEGER REFERENCES units (id),
    external_unit TEXT,
    mode TEXT,
    reason TEXT,
    difficult_family INTEGER,
    decision_number TEXT,
    decision_date DATE,
    issuer TEXT,
    note TEXT,
    corrects_event_id INTEGER REFERENCES membership_events (id),
    correction_reason TEXT,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX membership_events_member ON membership_events (member_id);
CREATE TRIGGER membership_events_append_only_update BEFORE UPDATE ON membership_events
BEGIN
    SELECT RAISE(ABORT, 'membership_events is append-only');
END;
CREATE TRIGGER membership_events_append_only_delete BEFORE DELETE ON membership_events
BEGIN
    SELECT RAISE(ABORT, 'membership_events is append-only');
END;

-- Derived from the events by domain::history::derive; always re-derivable.
CREATE TABLE membership_spans (
    member_id INTEGER NOT NULL REFERENCES members (id),
    unit_id INTEGER REFERENCES units (id),
    external_unit TEXT,
    status TEXT NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE
);
CREATE INDEX membership_spans_member ON membership_spans (member_id);
CREATE INDEX membership_spans_unit ON membership_spans (unit_id, valid_from);

-- Every write bumps seq first (serializing writers) and logs what it touched.
CREATE TABLE change_counter (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL
);
INSERT INTO change_counter (id, seq) VALUES (1, 0);

CREATE TABLE changes (
    seq INTEGER NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    PRIMARY KEY (seq, entity, entity_id)
);
