-- One-time activation codes of handbook accounts (docs/design/handbook.md, domain::handbook):
-- only the SHA-256 digest of a code is kept, like API tokens. A code is live until `used_at`
-- (the member set a password with it), `voided_at` (a newer code was issued) or `expires_at`.
CREATE TABLE activation_codes (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    code_hash TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    voided_at TEXT
);
CREATE UNIQUE INDEX activation_codes_hash ON activation_codes (code_hash);
CREATE INDEX activation_codes_account ON activation_codes (account_id);
