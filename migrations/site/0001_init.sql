-- Terminal database, first schema.

CREATE TABLE config (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Catalog cache, replaced wholesale by each catalog pull.
CREATE TABLE site (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    chain_name TEXT NOT NULL,
    country TEXT NOT NULL,
    currency TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    vat_rate_bp INTEGER NOT NULL,
    address TEXT NOT NULL,
    tax_number TEXT NOT NULL,
    business_day_cutoff_hour INTEGER NOT NULL,
    hold_ttl_secs INTEGER NOT NULL
) STRICT;

CREATE TABLE films (
    id TEXT PRIMARY KEY,
    title_en TEXT NOT NULL,
    title_ar TEXT NOT NULL,
    rating TEXT NOT NULL,
    runtime_min INTEGER NOT NULL
) STRICT;

CREATE TABLE screens (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL
) STRICT;

CREATE TABLE screen_seats (
    screen_id TEXT NOT NULL REFERENCES screens(id),
    label TEXT NOT NULL,
    row_name TEXT NOT NULL,
    number INTEGER NOT NULL,
    x INTEGER NOT NULL,
    y INTEGER NOT NULL,
    area TEXT NOT NULL,
    kind TEXT NOT NULL,
    blocked INTEGER NOT NULL,
    PRIMARY KEY (screen_id, label)
) STRICT;

CREATE TABLE showtimes (
    id TEXT PRIMARY KEY,
    film_id TEXT NOT NULL REFERENCES films(id),
    screen_id TEXT NOT NULL REFERENCES screens(id),
    starts_at INTEGER NOT NULL, -- unix seconds
    format TEXT NOT NULL,
    price_card_id TEXT NOT NULL
) STRICT;

CREATE TABLE prices (
    price_card_id TEXT NOT NULL,
    ticket_type TEXT NOT NULL,
    name_en TEXT NOT NULL,
    name_ar TEXT NOT NULL,
    price_minor INTEGER NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (price_card_id, ticket_type)
) STRICT;

CREATE TABLE staff (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    pin_hash TEXT NOT NULL
) STRICT;

-- Seats central reported as not free (held or sold by others), per showtime.
CREATE TABLE remote_seats (
    showtime_id TEXT NOT NULL,
    seat_label TEXT NOT NULL,
    state TEXT NOT NULL,
    PRIMARY KEY (showtime_id, seat_label)
) STRICT;

-- Sales made on this terminal. Never deleted.
CREATE TABLE orders (
    id TEXT PRIMARY KEY,
    showtime_id TEXT NOT NULL,
    cashier_id TEXT NOT NULL,
    total_minor INTEGER NOT NULL,
    vat_minor INTEGER NOT NULL,
    vat_rate_bp INTEGER NOT NULL,
    currency TEXT NOT NULL,
    tendered_minor INTEGER NOT NULL,
    change_minor INTEGER NOT NULL,
    secured_by TEXT NOT NULL,
    sold_at TEXT NOT NULL,
    sold_at_central_estimate TEXT NOT NULL
) STRICT;

-- One local sale per seat per showtime.
CREATE TABLE order_seats (
    order_id TEXT NOT NULL REFERENCES orders(id),
    showtime_id TEXT NOT NULL,
    seat_label TEXT NOT NULL,
    ticket_type TEXT NOT NULL,
    price_minor INTEGER NOT NULL,
    PRIMARY KEY (showtime_id, seat_label)
) STRICT;

CREATE TABLE payments (
    order_id TEXT NOT NULL REFERENCES orders(id),
    method TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    reference TEXT
) STRICT;

-- Entries waiting for (or done with) central. The id is the idempotency key.
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    order_id TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL, -- unix seconds
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'applied', 'duplicate', 'conflict', 'rejected')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    resolved_at TEXT
) STRICT;
CREATE INDEX outbox_pending ON outbox(state, seq);

-- Printouts of each order (virtual or real printer).
CREATE TABLE print_jobs (
    id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES orders(id),
    kind TEXT NOT NULL,
    seat_label TEXT,
    state TEXT NOT NULL CHECK (state IN ('queued', 'printed', 'failed')),
    bin_path TEXT,
    png_path TEXT,
    error TEXT,
    created_at TEXT NOT NULL
) STRICT;
