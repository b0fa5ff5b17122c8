-- Consolidation plans (kế hoạch củng cố) for weak grassroots organizations (docs/design/
-- operations.md "Weak organizations"): one per organization and year, its measures tracked to
-- completion, closed as consolidated or not yet.
CREATE TABLE consolidation_plans (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    year INTEGER NOT NULL,
    version INTEGER NOT NULL,
    -- The reasons found when the plan was made (domain::weak::WeakReason codes, space-separated).
    reasons TEXT NOT NULL,
    opened_on DATE NOT NULL,
    closed_on DATE,
    outcome TEXT,
    outcome_note TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
-- One plan per organization and year.
CREATE UNIQUE INDEX consolidation_plans_unit_year ON consolidation_plans (unit_id, year);
CREATE INDEX consolidation_plans_year ON consolidation_plans (year, unit_id);

CREATE TABLE consolidation_measures (
    plan_id INTEGER NOT NULL REFERENCES consolidation_plans (id),
    seq INTEGER NOT NULL,
    text TEXT NOT NULL,
    responsible TEXT NOT NULL,
    due_on DATE NOT NULL,
    done_on DATE,
    note TEXT,
    PRIMARY KEY (plan_id, seq)
);
