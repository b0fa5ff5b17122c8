-- Party organizations in private enterprises (domain::enterprises, docs/design/enterprises.md):
-- the enterprises a committee registers in its area (versioned: concurrent edits conflict; a tax
-- code once), their party organization once founded, and each unit's yearly founding targets.
CREATE TABLE enterprises (
    id INTEGER PRIMARY KEY,
    area_unit_id INTEGER NOT NULL REFERENCES units (id),
    name TEXT NOT NULL,
    tax_code TEXT NOT NULL,
    ownership TEXT NOT NULL,
    address TEXT,
    workers INTEGER NOT NULL,
    trade_union INTEGER NOT NULL,
    youth_union INTEGER NOT NULL,
    members_without_org INTEGER NOT NULL,
    party_unit_id INTEGER REFERENCES units (id),
    founded_on DATE,
    decision TEXT,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE UNIQUE INDEX enterprises_tax_code ON enterprises (tax_code);
CREATE INDEX enterprises_area ON enterprises (area_unit_id);

CREATE TABLE enterprise_targets (
    unit_id INTEGER NOT NULL REFERENCES units (id),
    year INTEGER NOT NULL,
    target INTEGER NOT NULL,
    set_at TEXT NOT NULL,
    set_by TEXT NOT NULL,
    PRIMARY KEY (unit_id, year)
);
