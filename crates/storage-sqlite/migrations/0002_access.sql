-- Accounts, roles granted on units, sessions, API tokens, login attempts and the hash-chained
-- audit trail (docs/design/access.md). PostgreSQL has the same tables; the parity test keeps
-- them equal. Secrets are never stored: sessions and tokens by their SHA-256 digest, passwords
-- as Argon2id hashes.

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    -- Lower case; unique.
    username TEXT NOT NULL,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    -- The member this account belongs to (the member role and the handbook).
    member_id INTEGER REFERENCES members (id),
    must_change_password INTEGER NOT NULL,
    disabled INTEGER NOT NULL,
    -- Base32 TOTP secret once the second factor is enrolled, and the last time step used.
    totp_secret TEXT,
    totp_last_step INTEGER,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX accounts_username ON accounts (username);
CREATE UNIQUE INDEX accounts_member ON accounts (member_id);

CREATE TABLE grants (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    role TEXT NOT NULL,
    unit_id INTEGER REFERENCES units (id),
    granted_at TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by TEXT
);
CREATE INDEX grants_account ON grants (account_id);

-- stage: 'full' (logged in), 'totp' (password checked, code awaited), 'enroll' (must enrol a
-- second factor before anything else).
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    stage TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    client TEXT,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens (token_hash);
CREATE INDEX api_tokens_account ON api_tokens (account_id);

-- outcome: 'success', 'failure' (wrong password or code), 'refused' (locked or blocked).
CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    client TEXT NOT NULL,
    outcome TEXT NOT NULL,
    attempted_at TEXT NOT NULL
);
CREATE INDEX login_attempts_username ON login_attempts (username, attempted_at);
CREATE INDEX login_attempts_client ON login_attempts (client, attempted_at);
CREATE INDEX login_attempts_time ON login_attempts (attempted_at);

-- The audit trail. Each entry's hash covers the previous entry's hash and its own fields
-- (auth::chain::link), so changing or deleting a past entry breaks the chain; audit_head holds
-- the last sequence number and hash, so deleting the newest entries is detected too. `at` is
-- canonical RFC 3339 text in both engines because the hash covers it.
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    account_id INTEGER,
    actor TEXT NOT NULL,
    client TEXT,
    request_id TEXT,
    action TEXT NOT NULL,
    object_kind TEXT,
    object_id TEXT,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_actor ON audit_log (actor, seq);
CREATE INDEX audit_log_object ON audit_log (object_kind, object_id, seq);
CREATE INDEX audit_log_action ON audit_log (action, seq);
CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
