-- An audit entry follows the head: its number is the head's plus one and its previous hash is
-- the head's hash; once written, the head moves to it. Appends that read and lock the head in
-- their transaction meet this anyway. The group commit of reads (storage::audit) chains from the
-- head it last wrote without reading it again, in one statement: when the head has moved since
-- (a write's own entries, another process), this refuses the statement and nothing is written.
CREATE TRIGGER audit_log_follows_head BEFORE INSERT ON audit_log
WHEN NEW.seq IS NOT (SELECT seq + 1 FROM audit_head WHERE id = 1)
  OR NEW.prev_hash IS NOT (SELECT hash FROM audit_head WHERE id = 1)
BEGIN
    SELECT RAISE(ABORT, 'audit_log: the entry does not follow the head');
END;

CREATE TRIGGER audit_log_moves_head AFTER INSERT ON audit_log
BEGIN
    UPDATE audit_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1;
END;
