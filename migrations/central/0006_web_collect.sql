-- Web bookings collected at a counter: the first terminal to collect prints
-- the tickets; any other gets a clear refusal naming who and when.
ALTER TABLE orders ADD COLUMN collected_at TEXT;
ALTER TABLE orders ADD COLUMN collected_by TEXT;
