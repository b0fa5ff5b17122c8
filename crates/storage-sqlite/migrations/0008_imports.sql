-- Imports of existing registers (docs/design/register-io.md). Each import writes everything in
-- one transaction; its row says who imported which file and what it wrote. The events an import
-- derived are the ids from first_event_id to last_event_id (the import holds the register's write
-- lock, so they are contiguous), likewise the members it created.
CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_digest TEXT NOT NULL,
    root_unit_id INTEGER REFERENCES units (id),
    counts TEXT NOT NULL,
    first_member_id INTEGER,
    last_member_id INTEGER,
    first_event_id INTEGER,
    last_event_id INTEGER
);

-- Column mappings saved under a name to reuse on the next file of the same shape: the folded
-- header text of each file column and the field it holds (JSON, domain::interchange::SavedMapping).
CREATE TABLE import_mappings (
    id INTEGER PRIMARY KEY,
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    mapping TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE UNIQUE INDEX import_mappings_name ON import_mappings (name);
