-- The site day report (issue 11): every sale and refund central applied
-- (conflicted override sales too: their money was taken), and every web
-- sale, as sent, by site and business day (the site's cutoff and time zone
-- applied to the sale's or refund's own time). Reports read one site's day
-- through the index, so their time does not grow with the chain's history.
CREATE TABLE day_entries (
    entry_id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    terminal_id TEXT,               -- NULL for the web shop
    business_day TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('sale', 'refund', 'web_sale')),
    body TEXT NOT NULL,             -- the entry body (protocol JSON) as applied
    applied_at TEXT NOT NULL
) STRICT;
CREATE INDEX day_entries_site_day ON day_entries(site_id, business_day);

-- When central last applied an entry of a terminal (the report's "last heard").
CREATE INDEX applied_entries_terminal ON applied_entries(terminal_id, applied_at);

-- What each terminal still had to push, per business day, at its last heartbeat (API 1.4).
ALTER TABLE terminal_heartbeats ADD COLUMN unsynced_days TEXT NOT NULL DEFAULT '[]';
