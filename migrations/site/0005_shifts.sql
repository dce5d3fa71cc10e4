-- Cashier shifts: opened with a cash float, closed with a cash count. Sales
-- made while a cashier's shift is open belong to it. Shift reports print
-- through the print queue, so print_jobs learns the kind 'shift_report'.
CREATE TABLE shifts (
    id TEXT PRIMARY KEY,
    staff_id TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    float_minor INTEGER NOT NULL CHECK (float_minor >= 0),
    closed_at TEXT,
    counted_minor INTEGER CHECK (counted_minor >= 0)
) STRICT;
-- At most one open shift per staff member.
CREATE UNIQUE INDEX shifts_one_open ON shifts(staff_id) WHERE closed_at IS NULL;

ALTER TABLE orders ADD COLUMN shift_id TEXT REFERENCES shifts(id);

CREATE TABLE print_jobs_v3 (
    id TEXT PRIMARY KEY,
    order_id TEXT REFERENCES orders(id),
    kind TEXT NOT NULL CHECK (kind IN ('ticket', 'receipt', 'change_slip', 'test_page', 'shift_report')),
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
INSERT INTO print_jobs_v3 SELECT id, order_id, kind, seat_label, name, state, bytes, reprint_count,
    attempts, bin_path, png_path, error, created_at, printed_at FROM print_jobs;
DROP TABLE print_jobs;
ALTER TABLE print_jobs_v3 RENAME TO print_jobs;
CREATE INDEX print_jobs_queued ON print_jobs(state, created_at);
