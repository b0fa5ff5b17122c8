-- The admission pipeline (docs/design/admission.md): candidates followed by a chi bộ, the dated
-- steps of their files, yearly admission targets, and the operator's working-day calendar
-- corrections. PostgreSQL has the same tables; the parity test keeps them equal.

CREATE TABLE candidates (
    id INTEGER PRIMARY KEY,
    version INTEGER NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    full_name TEXT NOT NULL,
    name_fold TEXT NOT NULL,
    birth_date DATE NOT NULL,
    citizen_id TEXT NOT NULL,
    -- domain::pipeline::Stage code, derived from the steps at every write.
    stage TEXT NOT NULL,
    -- The whole domain::pipeline::Candidate as JSON (identity, profile, certificate, …).
    data TEXT NOT NULL,
    -- The member record the admission decision created (or the former member readmitted).
    member_id INTEGER REFERENCES members (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX candidates_unit ON candidates (unit_id);
CREATE INDEX candidates_stage ON candidates (stage);

-- Append-only except for voiding: a mistyped step is voided (with a reason) and typed again.
CREATE TABLE admission_steps (
    id INTEGER PRIMARY KEY,
    candidate_id INTEGER NOT NULL REFERENCES candidates (id),
    kind TEXT NOT NULL,
    on_date DATE NOT NULL,
    -- domain::pipeline::StepData as JSON.
    data TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    voided_at TEXT,
    voided_by TEXT,
    void_reason TEXT
);
CREATE INDEX admission_steps_candidate ON admission_steps (candidate_id, id);

-- kind: 'total' or a domain::pipeline::TargetGroup code.
CREATE TABLE admission_targets (
    unit_id INTEGER NOT NULL REFERENCES units (id),
    year INTEGER NOT NULL,
    kind TEXT NOT NULL,
    target INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (unit_id, year, kind)
);

-- domain::workdays::YearOverride as JSON, one row per year.
CREATE TABLE calendar_overrides (
    year INTEGER PRIMARY KEY,
    data TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);

-- Admissions by date (targets and the statistics of admissions).
CREATE INDEX membership_events_kind_date ON membership_events (kind, effective_date);
CREATE INDEX membership_events_corrects ON membership_events (corrects_event_id);
