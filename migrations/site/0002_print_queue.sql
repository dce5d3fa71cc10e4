-- Print queue: each job keeps the exact ESC/POS bytes decided at commit time,
-- so a job can be resumed without re-rendering, and reprints are separate,
-- marked jobs. States:
--   queued       not sent yet (or the printer refused the connection: safe to retry)
--   printed      the printer took every byte
--   interrupted  the link died mid-job: it may be half printed, so it is never
--                resent automatically; staff reprint it (marked REPRINT)
CREATE TABLE print_jobs_v2 (
    id TEXT PRIMARY KEY,
    order_id TEXT REFERENCES orders(id), -- NULL for a test page
    kind TEXT NOT NULL CHECK (kind IN ('ticket', 'receipt', 'change_slip', 'test_page')),
    seat_label TEXT,
    name TEXT NOT NULL DEFAULT '', -- file name stem of the preview
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
INSERT INTO print_jobs_v2 (id, order_id, kind, seat_label, state, bin_path, png_path, error, created_at)
    SELECT id, order_id, kind, seat_label,
           CASE state WHEN 'failed' THEN 'interrupted' ELSE state END,
           bin_path, png_path, error, created_at
    FROM print_jobs;
DROP TABLE print_jobs;
ALTER TABLE print_jobs_v2 RENAME TO print_jobs;
CREATE INDEX print_jobs_queued ON print_jobs(state, created_at);
