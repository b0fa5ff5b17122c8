-- The second-factor secret offered at enrolment, kept with the session that asked for it until
-- the first code proves the authenticator app holds it; the form never carries it. Ending the
-- session discards it.
ALTER TABLE sessions ADD COLUMN totp_pending TEXT;
