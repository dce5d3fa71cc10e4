-- Web bookings whose tickets this terminal printed at the counter.
CREATE TABLE web_collections (
    reference TEXT PRIMARY KEY,
    order_id TEXT NOT NULL,
    showtime_id TEXT NOT NULL,
    seats TEXT NOT NULL, -- JSON array of seat labels
    staff_id TEXT NOT NULL,
    collected_at TEXT NOT NULL
) STRICT;
