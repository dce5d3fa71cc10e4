-- Seats central leased to this terminal: sellable while the link is down.
CREATE TABLE leases (
    showtime_id TEXT NOT NULL,
    seat_label TEXT NOT NULL,
    expires_at INTEGER NOT NULL, -- unix milliseconds (central's clock)
    PRIMARY KEY (showtime_id, seat_label)
) STRICT;

-- Override sales central found in conflict: tasks for a supervisor.
CREATE TABLE conflict_tasks (
    order_id TEXT PRIMARY KEY REFERENCES orders(id),
    entry_id TEXT NOT NULL,          -- the entry central answered `conflict` to
    taken TEXT NOT NULL,             -- JSON array of seats someone else had
    state TEXT NOT NULL DEFAULT 'open'
        CHECK (state IN ('open', 'reseating', 'reseated', 'refunded')),
    resolution_entry TEXT,           -- the outbox entry that resolves it
    resolved_by TEXT,
    created_at TEXT NOT NULL,
    resolved_at TEXT
) STRICT;

-- Seats an order gave up (refund, or reseat of a conflicting override sale).
CREATE TABLE released_seats (
    order_id TEXT NOT NULL REFERENCES orders(id),
    showtime_id TEXT NOT NULL,
    seat_label TEXT NOT NULL,
    ticket_type TEXT NOT NULL,
    price_minor INTEGER NOT NULL,
    released_at TEXT NOT NULL,
    why TEXT NOT NULL CHECK (why IN ('refund', 'reseat'))
) STRICT;

ALTER TABLE orders ADD COLUMN refunded_at TEXT;
