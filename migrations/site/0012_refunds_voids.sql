-- Refunds made at this terminal: a whole order or some of its tickets, paid
-- back card first (by the card terminal's refund reference), then cash from
-- the drawer of the shift that paid it out; or, in an exchange, taken over
-- by the new order. The id is the outbox entry's.
CREATE TABLE refunds (
    id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES orders(id),
    amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
    vat_minor INTEGER NOT NULL CHECK (vat_minor >= 0),
    card_minor INTEGER NOT NULL CHECK (card_minor >= 0),
    cash_minor INTEGER NOT NULL CHECK (cash_minor >= 0),
    card_reference TEXT,
    reason TEXT NOT NULL,
    staff_id TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    shift_id TEXT REFERENCES shifts(id),
    refunded_at TEXT NOT NULL,
    -- An exchange: what the new order took over, and which order it is.
    exchange_minor INTEGER NOT NULL DEFAULT 0 CHECK (exchange_minor >= 0),
    exchanged_to TEXT,
    CHECK (card_minor + cash_minor + exchange_minor = amount_minor)
) STRICT;
CREATE INDEX refunds_order ON refunds(order_id);
CREATE INDEX refunds_shift ON refunds(shift_id);

-- Which refund gave a seat up, and which refund a negative payment belongs to
-- (money paid back counts in the shift that paid it, not the sale's).
ALTER TABLE released_seats ADD COLUMN refund_id TEXT;
ALTER TABLE payments ADD COLUMN refund_id TEXT;

-- Tickets voided anywhere at the site (refunded, their seat moved, or let in
-- already), as central's void list says; the door refuses them. `voided_at`
-- is central's.
CREATE TABLE void_tickets (
    order_id TEXT NOT NULL,
    showtime_id TEXT NOT NULL,
    seat_label TEXT NOT NULL,
    why TEXT NOT NULL,
    voided_at TEXT NOT NULL,
    PRIMARY KEY (order_id, showtime_id, seat_label)
) STRICT;

-- Tickets let in at this terminal's door (`verify-ticket --admit`), once each.
CREATE TABLE admissions (
    order_id TEXT NOT NULL,
    showtime_id TEXT NOT NULL,
    seat_label TEXT NOT NULL,
    admitted_at TEXT NOT NULL,
    PRIMARY KEY (order_id, showtime_id, seat_label)
) STRICT;

-- An entry central refused as a request holds back the later entries of its
-- order (a refund never overtakes its sale): looked up by order.
CREATE INDEX outbox_order ON outbox(order_id, seq);

-- Print jobs learn the refund slip.
CREATE TABLE print_jobs_v4 (
    id TEXT PRIMARY KEY,
    order_id TEXT REFERENCES orders(id),
    kind TEXT NOT NULL CHECK (kind IN ('ticket', 'receipt', 'change_slip', 'test_page', 'shift_report', 'refund_slip')),
    seat_label TEXT,
    name TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL CHECK (state IN ('queued', 'printed', 'interrupted')),
    bytes BLOB,
    reprint_count INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    bin_path TEXT,
    png_path TEXT,
    error TEXT,
    created_at TEXT NOT NULL,
    printed_at TEXT
) STRICT;
INSERT INTO print_jobs_v4 SELECT id, order_id, kind, seat_label, name, state, bytes, reprint_count,
    attempts, bin_path, png_path, error, created_at, printed_at FROM print_jobs;
DROP TABLE print_jobs;
ALTER TABLE print_jobs_v4 RENAME TO print_jobs;
CREATE INDEX print_jobs_queued ON print_jobs(state, created_at);
