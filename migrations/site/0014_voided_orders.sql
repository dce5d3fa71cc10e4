-- Orders voided while being built (issue 11): the customer had been shown the
-- total (the pay dialog had opened) and the order was given up; a supervisor
-- or manager approved, with a reason. No money moved: the record is for the
-- day report and the audit trail.
CREATE TABLE voided_orders (
    id TEXT PRIMARY KEY,
    voided_at TEXT NOT NULL,
    business_day TEXT NOT NULL,
    staff_id TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    reason TEXT NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
    seats TEXT NOT NULL, -- JSON array of "SHOWTIME:SEAT"
    shift_id TEXT REFERENCES shifts(id)
) STRICT;
CREATE INDEX voided_orders_day ON voided_orders(business_day);
