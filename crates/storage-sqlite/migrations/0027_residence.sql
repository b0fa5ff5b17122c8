-- Working members and their place of residence (Quy định 213-QĐ/TW; domain::residence,
-- docs/design/residence.md): each member's tie (one row, versioned: concurrent edits conflict),
-- the contacts kept with the residence, the residence chi ủy's yearly comments (one a year).
CREATE TABLE residence_ties (
    member_id INTEGER PRIMARY KEY REFERENCES members (id),
    category TEXT NOT NULL,
    reason TEXT,
    address TEXT NOT NULL,
    cell_id INTEGER REFERENCES units (id),
    cell_outside TEXT,
    letter_number TEXT,
    letter_on DATE,
    confirmed_on DATE,
    reach TEXT,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX residence_ties_cell ON residence_ties (cell_id);

CREATE TABLE residence_contacts (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members (id),
    on_day DATE NOT NULL,
    kind TEXT NOT NULL,
    note TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX residence_contacts_member ON residence_contacts (member_id, on_day);

CREATE TABLE residence_comments (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members (id),
    year INTEGER NOT NULL,
    rating TEXT NOT NULL,
    text TEXT NOT NULL,
    signer TEXT NOT NULL,
    commented_on DATE NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE UNIQUE INDEX residence_comments_year ON residence_comments (member_id, year);
