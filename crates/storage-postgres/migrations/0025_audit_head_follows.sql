-- The SQLite schema's 0025 makes the database refuse an audit entry that does not follow the
-- head. PostgreSQL keeps no such trigger: every append there locks and reads the head in its own
-- transaction (several app servers share the database), and a row trigger updating the head for
-- each entry would leave one dead row version per entry. This migration keeps both engines'
-- numbering in step.
SELECT 1;
