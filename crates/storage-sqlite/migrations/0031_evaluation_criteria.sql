-- A committee's own criteria list for a round under 366-QĐ/TW (domain::evaluation::Criteria):
-- each criterion's name and most points in order, summing to 100; and each step's points per
-- criterion for the evaluations of such a round (the step's score is their sum).
CREATE TABLE evaluation_criteria (
    round_id INTEGER NOT NULL REFERENCES evaluation_rounds (id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    max_points INTEGER NOT NULL,
    PRIMARY KEY (round_id, position)
);

CREATE TABLE evaluation_points (
    evaluation_id INTEGER NOT NULL REFERENCES evaluations (id),
    step TEXT NOT NULL,
    position INTEGER NOT NULL,
    points INTEGER NOT NULL,
    PRIMARY KEY (evaluation_id, step, position)
);
