-- Notifications (docs/design/operations.md "Notifications"): one row per recipient account,
-- written in the transaction of the event it tells about. When mail is configured and the
-- account gave an address, the row also carries its e-mail: `mail_state` 'pending' until the
-- delivery loop sends it ('sent') or gives up ('failed'); a loop claims a row by setting
-- `mail_lease_ends_at`, so several app servers never send the same notice twice.
ALTER TABLE accounts ADD COLUMN email TEXT;

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT,
    email_to TEXT,
    mail_state TEXT,
    mail_attempts INTEGER NOT NULL,
    mail_next_at TEXT,
    mail_lease_ends_at TEXT,
    mailed_at TEXT,
    mail_error TEXT
);
CREATE INDEX notifications_account ON notifications (account_id, id);
CREATE INDEX notifications_unread ON notifications (account_id) WHERE read_at IS NULL;
CREATE INDEX notifications_mail ON notifications (mail_next_at) WHERE mail_state = 'pending';
