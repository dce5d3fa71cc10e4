-- The web shop's credential and scope (API 1.6): a channel sells only at the
-- sites it names ('*' for all), at most `max_seats_per_sale` seats a sale,
-- and only before the show starts. Only the key's SHA-256 is kept.
CREATE TABLE web_channels (
    id TEXT PRIMARY KEY,
    key_hash TEXT NOT NULL,
    sites TEXT NOT NULL,
    max_seats_per_sale INTEGER NOT NULL CHECK (max_seats_per_sale BETWEEN 1 AND 50),
    created_at TEXT NOT NULL,
    revoked_at TEXT
) STRICT;
ALTER TABLE orders ADD COLUMN web_channel TEXT;

-- A hold lasts at most a fixed time from when its seats were first held,
-- however often it is extended or replaced.
ALTER TABLE holds ADD COLUMN started_at INTEGER;

-- Disaster recovery: central tells each terminal the last entry it holds of
-- it (a restored central is behind, and the terminal sends the rest again),
-- and the highest order count it has seen of it (a reinstalled terminal
-- counts on from there).
CREATE INDEX applied_entries_terminal_seq ON applied_entries(terminal_id, seq);
ALTER TABLE terminals ADD COLUMN order_count_seen INTEGER;
