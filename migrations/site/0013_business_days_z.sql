-- Business days and Z reports (issue 11).
--
-- Every order, refund and payment is dated to the business day it counts in
-- when it is written: the site's business day of its time (cutoff and time
-- zone), or the day after the last Z report if that day is closed already,
-- so no sale is ever dated to a closed day. Rows from before this migration
-- are dated when the terminal next opens (store::days::backfill).
ALTER TABLE orders ADD COLUMN business_day TEXT;
ALTER TABLE refunds ADD COLUMN business_day TEXT;
ALTER TABLE payments ADD COLUMN business_day TEXT;
CREATE INDEX orders_business_day ON orders(business_day);
CREATE INDEX refunds_business_day ON refunds(business_day);
CREATE INDEX payments_business_day ON payments(business_day, method);
CREATE INDEX payments_order ON payments(order_id);
CREATE INDEX order_seats_order ON order_seats(order_id);
CREATE INDEX released_seats_order ON released_seats(order_id);
-- A shift's sales (shift reports and the day report's cash per shift).
CREATE INDEX orders_shift ON orders(shift_id);

-- One Z report per closed business day, numbered consecutively from 1; the
-- report is kept as it was when the day closed.
CREATE TABLE z_reports (
    number INTEGER PRIMARY KEY CHECK (number > 0),
    business_day TEXT NOT NULL UNIQUE,
    closed_at TEXT NOT NULL,
    closed_by TEXT NOT NULL,
    report TEXT NOT NULL
) STRICT;
