-- Provisioning (API 1.7): the same as the SQLite migration 0013.
CREATE TABLE terminal_enrollments (
    terminal_id TEXT PRIMARY KEY REFERENCES terminals(id),
    secret_hash TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    used_by_key TEXT
);
