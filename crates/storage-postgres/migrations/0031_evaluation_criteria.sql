-- A committee's own criteria list for a round under 366-QĐ/TW (domain::evaluation::Criteria):
-- each criterion's name and most points in order, summing to 100; and each step's points per
-- criterion for the evaluations of such a round (the step's score is their sum).
CREATE TABLE evaluation_criteria (
    round_id BIGINT NOT NULL REFERENCES evaluation_rounds (id),
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    max_points BIGINT NOT NULL,
    PRIMARY KEY (round_id, position)
);

CREATE TABLE evaluation_points (
    evaluation_id BIGINT NOT NULL REFERENCES evaluations (id),
    step TEXT NOT NULL,
    position BIGINT NOT NULL,
    points BIGINT NOT NULL,
    PRIMARY KEY (evaluation_id, step, position)
);
