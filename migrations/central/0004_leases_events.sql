-- Leases: seats set aside for one terminal so it can sell them while its
-- link to central is down. A leased seat is unavailable to everyone else
-- (web, other terminals) until it is sold, returned or expires.
CREATE TABLE leases (
    showtime_id TEXT NOT NULL REFERENCES showtimes(id),
    seat_label TEXT NOT NULL,
    terminal_id TEXT NOT NULL REFERENCES terminals(id),
    granted_at INTEGER NOT NULL, -- unix milliseconds
    expires_at INTEGER NOT NULL, -- unix milliseconds: back to general sale
    PRIMARY KEY (showtime_id, seat_label)
) STRICT;
CREATE INDEX leases_by_terminal ON leases(terminal_id, showtime_id);
CREATE INDEX leases_by_expiry ON leases(expires_at);

-- Per-site counter settings (sales close, almost full, lease policy) as JSON.
CREATE TABLE site_settings (
    site_id TEXT PRIMARY KEY REFERENCES sites(id),
    settings TEXT NOT NULL
) STRICT;

-- Every change of a seat's state, in order, for terminals to follow live.
CREATE TABLE seat_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id TEXT NOT NULL,
    showtime_id TEXT NOT NULL,
    seat_label TEXT NOT NULL,
    state TEXT NOT NULL,
    owner TEXT,
    at INTEGER NOT NULL -- unix milliseconds
) STRICT;
CREATE INDEX seat_events_by_site ON seat_events(site_id, seq);

-- The full first result of each entry, returned with `duplicate`.
ALTER TABLE applied_entries ADD COLUMN result TEXT;

-- Override sales central could not apply: the site manager's task list.
CREATE TABLE conflicts (
    entry_id TEXT PRIMARY KEY,
    terminal_id TEXT NOT NULL,
    order_id TEXT NOT NULL,
    showtime_id TEXT NOT NULL,
    seats TEXT NOT NULL, -- JSON array of seats in conflict
    body TEXT NOT NULL, -- the entry as sent
    created_at TEXT NOT NULL,
    resolution TEXT, -- 'reseated' or 'refunded', reported by the terminal
    resolved_at TEXT
) STRICT;

-- What each terminal last reported about itself.
CREATE TABLE terminal_heartbeats (
    terminal_id TEXT PRIMARY KEY REFERENCES terminals(id),
    seen_at TEXT NOT NULL,
    queue_depth INTEGER NOT NULL,
    oldest_unsynced_secs INTEGER,
    open_conflicts INTEGER NOT NULL,
    version TEXT NOT NULL
) STRICT;

-- Refunds (of a sale or of an override sale in conflict).
ALTER TABLE orders ADD COLUMN refunded_at TEXT;
