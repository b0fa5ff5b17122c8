-- The seats of a unit's elected committee (cấp ủy; docs/design/operations.md "Committees"): who,
-- in which post, from `from_on` until the day before `until_on` (NULL: held), on which decision;
-- the roll of the committee's and the standing committee's meetings.
CREATE TABLE committee_seats (
    id INTEGER PRIMARY KEY,
    version INTEGER NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    role TEXT NOT NULL,
    from_on DATE NOT NULL,
    basis TEXT NOT NULL,
    until_on DATE,
    end_basis TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX committee_seats_unit ON committee_seats (unit_id, from_on);
CREATE INDEX committee_seats_member ON committee_seats (member_id);
