-- Meetings of a chi bộ or a committee (sinh hoạt chi bộ, rules.md §9; docs/design/operations.md
-- "Meetings"): scheduled, then recorded with attendance, resolutions and minutes.
CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    version INTEGER NOT NULL,
    kind TEXT NOT NULL,
    held_on DATE NOT NULL,
    -- "19:30".
    start_time TEXT NOT NULL,
    length_minutes INTEGER,
    place TEXT NOT NULL,
    agenda TEXT NOT NULL,
    -- Whether the attendance was recorded (the meeting took place).
    attendance_recorded INTEGER NOT NULL,
    -- The minutes (biên bản) and their signatures (domain::meetings::Minutes): locked once both
    -- are given; later corrections are rows of meeting_amendments.
    minutes TEXT NOT NULL,
    chair_name TEXT,
    chair_signed_on DATE,
    secretary_name TEXT,
    secretary_signed_on DATE,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX meetings_unit ON meetings (unit_id, held_on);
CREATE INDEX meetings_day ON meetings (held_on);

-- One row per member on the roll of the day (and members of other chi bộ attending while in
-- temporary activity here, `guest`).
CREATE TABLE meeting_attendance (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    presence TEXT NOT NULL,
    reason TEXT,
    exempt INTEGER NOT NULL,
    away_temporarily INTEGER NOT NULL,
    guest INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, member_id)
);
CREATE INDEX meeting_attendance_member ON meeting_attendance (member_id, meeting_id);

-- Resolutions put to the vote, with the count and whether they passed.
CREATE TABLE meeting_resolutions (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id),
    seq INTEGER NOT NULL,
    text TEXT NOT NULL,
    threshold TEXT NOT NULL,
    votes_for INTEGER NOT NULL,
    votes_against INTEGER NOT NULL,
    votes_abstain INTEGER NOT NULL,
    counted INTEGER NOT NULL,
    passed INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, seq)
);

-- Dated corrections to signed minutes.
CREATE TABLE meeting_amendments (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id),
    seq INTEGER NOT NULL,
    amended_on DATE NOT NULL,
    text TEXT NOT NULL,
    amended_by TEXT NOT NULL,
    PRIMARY KEY (meeting_id, seq)
);
