-- Tickets that no longer open the door: refunded, their seat moved, or let in
-- already (a second scan of the same ticket at any door). Each
-- site's terminals and door scanners follow this list by `seq` (API 1.3).
CREATE TABLE voided_tickets (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id TEXT NOT NULL,
    order_id TEXT NOT NULL,
    showtime_id TEXT NOT NULL,
    seat_label TEXT NOT NULL,
    why TEXT NOT NULL CHECK (why IN ('refund', 'moved', 'admitted')),
    voided_at TEXT NOT NULL
) STRICT;
CREATE INDEX voided_tickets_site ON voided_tickets(site_id, seq);
CREATE INDEX voided_tickets_order ON voided_tickets(order_id);

-- What has been paid back of an order so far (partial refunds, API 1.3).
ALTER TABLE orders ADD COLUMN refunded_minor INTEGER NOT NULL DEFAULT 0;

-- Tickets let in at a door, once each (API 1.3).
CREATE TABLE admissions (
    order_id TEXT NOT NULL,
    showtime_id TEXT NOT NULL REFERENCES showtimes(id),
    seat_label TEXT NOT NULL,
    terminal_id TEXT NOT NULL,
    admitted_at TEXT NOT NULL,
    PRIMARY KEY (order_id, showtime_id, seat_label)
) STRICT;
