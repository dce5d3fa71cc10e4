-- Provisioning (API 1.7): the same as the SQLite migration 0013.
CREATE TABLE terminal_enrollments (
    terminal_id TEXT PRIMARY KEY REFERENCES terminals(id),
    secret_hash TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    used_by_key TEXT
);

-- The fleet (API 1.7): what each terminal last said of its ring, printer,
-- backups and disk.
ALTER TABLE terminal_heartbeats ADD COLUMN ring TEXT;
ALTER TABLE terminal_heartbeats ADD COLUMN printer TEXT;
ALTER TABLE terminal_heartbeats ADD COLUMN printer_error TEXT;
ALTER TABLE terminal_heartbeats ADD COLUMN last_backup_at TEXT;
ALTER TABLE terminal_heartbeats ADD COLUMN disk_free_mb BIGINT;
-- The update ring central IT puts each terminal in (told in the heartbeat's answer).
ALTER TABLE terminals ADD COLUMN ring TEXT NOT NULL DEFAULT 'all';

-- Signed releases of the counter app, in update rings (API 1.7). The package
-- bytes are kept here so that every central instance serves them.
CREATE TABLE releases (
    version TEXT NOT NULL,
    target TEXT NOT NULL,
    ring TEXT NOT NULL,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    signature TEXT NOT NULL,
    notes TEXT NOT NULL,
    published_at TEXT NOT NULL,
    promoted_at TEXT,
    PRIMARY KEY (version, target)
);
CREATE TABLE release_files (
    version TEXT NOT NULL,
    target TEXT NOT NULL,
    bytes BYTEA NOT NULL,
    PRIMARY KEY (version, target),
    FOREIGN KEY (version, target) REFERENCES releases (version, target)
);
