-- Members in transit (docs/design/access.md "Transfers between scopes"): the open span of a
-- member whose transfer out has not been accepted yet names the unit the letter sends them to,
-- so that the receiving side sees them and records the acceptance in its own scope. Spans
-- written before this migration have no destination: clearing their causes makes the store's
-- next opening re-derive those members once (as after 0004), which fills it in.
ALTER TABLE membership_spans ADD COLUMN transit_to INTEGER REFERENCES units (id);
UPDATE membership_spans SET entered = NULL WHERE status = 'da-chuyen-di' AND valid_to IS NULL;
