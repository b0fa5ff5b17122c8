-- The day by which a round's evaluations are to be decided (domain::evaluation::RoundPlan): the
-- worklists count down to it and the residence's comments are due by it. Rounds opened before
-- this column existed have none.
ALTER TABLE evaluation_rounds ADD COLUMN due_on DATE;
