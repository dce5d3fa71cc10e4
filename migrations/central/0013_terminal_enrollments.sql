-- Provisioning (API 1.7): a counter trades the one-time secret of its signed
-- provisioning file for its API token. Only the secret's SHA-256 is kept; the
-- enrollment is bound to the counter's ticket-signing key once used.
CREATE TABLE terminal_enrollments (
    terminal_id TEXT PRIMARY KEY REFERENCES terminals(id),
    secret_hash TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    used_by_key TEXT
) STRICT;
