-- The admission report over any period (docs/design/admission.md "Admission report over any
-- period").
--
-- An admission typed in a record (or imported) carries who introduced the member and the
-- sub-target group (domain::event::AdmissionOrigin); an admission decided through a case takes
-- both from the case.
ALTER TABLE membership_events ADD COLUMN admission_source TEXT;
ALTER TABLE membership_events ADD COLUMN target_group TEXT;

-- The span an admission or readmission opened keeps what the report reads of it
-- (domain::history::AdmissionFacts): the ceremony's day and the decision's origin. Clearing the
-- causes of those spans makes the store's next opening re-derive their members once (as after
-- 0004), which fills the new columns in.
ALTER TABLE membership_spans ADD COLUMN ceremony DATE;
ALTER TABLE membership_spans ADD COLUMN admission_source TEXT;
ALTER TABLE membership_spans ADD COLUMN target_group TEXT;
UPDATE membership_spans SET entered = NULL WHERE entered IN ('ket-nap', 'ket-nap-lai');

-- Congress terms (nhiệm kỳ đại hội) a committee records for its unit, each with the admission
-- target its congress set for the term (NULL: none set). Terms of one unit never overlap
-- (domain::targets::terms).
CREATE TABLE congress_terms (
    id INTEGER PRIMARY KEY,
    version INTEGER NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    first_day DATE NOT NULL,
    last_day DATE NOT NULL,
    target INTEGER,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX congress_terms_unit ON congress_terms (unit_id, first_day);

-- The occasions (ngày lễ, kỷ niệm) a committee adds for its subtree to the default list of
-- domain::targets::occasions, one per day of the year.
CREATE TABLE admission_occasions (
    unit_id INTEGER NOT NULL REFERENCES units (id),
    month INTEGER NOT NULL,
    day INTEGER NOT NULL,
    name TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (unit_id, month, day)
);
