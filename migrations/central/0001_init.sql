-- Central booking database, first schema.
-- The seat uniqueness rule lives here: sold_seats has one row per
-- (showtime, seat) at most, whoever sold it (terminal or web).

CREATE TABLE sites (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    chain_name TEXT NOT NULL,
    country TEXT NOT NULL,
    currency TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    vat_rate_bp INTEGER NOT NULL CHECK (vat_rate_bp >= 0),
    address TEXT NOT NULL,
    tax_number TEXT NOT NULL,
    business_day_cutoff_hour INTEGER NOT NULL DEFAULT 6
) STRICT;

CREATE TABLE terminals (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id),
    name TEXT NOT NULL
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
    site_id TEXT NOT NULL REFERENCES sites(id),
    name TEXT NOT NULL
) STRICT;

CREATE TABLE screen_seats (
    screen_id TEXT NOT NULL REFERENCES screens(id),
    label TEXT NOT NULL,
    row_name TEXT NOT NULL,
    number INTEGER NOT NULL,
    x INTEGER NOT NULL,
    y INTEGER NOT NULL,
    area TEXT NOT NULL CHECK (area IN ('standard', 'premium', 'vip')),
    kind TEXT NOT NULL CHECK (kind IN ('standard', 'wheelchair', 'companion')),
    blocked INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (screen_id, label)
) STRICT;

CREATE TABLE price_cards (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id)
) STRICT;

CREATE TABLE prices (
    price_card_id TEXT NOT NULL REFERENCES price_cards(id),
    ticket_type TEXT NOT NULL,
    name_en TEXT NOT NULL,
    name_ar TEXT NOT NULL,
    price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
    position INTEGER NOT NULL,
    PRIMARY KEY (price_card_id, ticket_type)
) STRICT;

CREATE TABLE showtimes (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id),
    screen_id TEXT NOT NULL REFERENCES screens(id),
    film_id TEXT NOT NULL REFERENCES films(id),
    starts_at INTEGER NOT NULL, -- unix seconds
    format TEXT NOT NULL,
    price_card_id TEXT NOT NULL REFERENCES price_cards(id)
) STRICT;
CREATE INDEX showtimes_by_site ON showtimes(site_id, starts_at);

CREATE TABLE staff (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id),
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('cashier', 'supervisor', 'manager')),
    pin_hash TEXT NOT NULL
) STRICT;

CREATE TABLE holds (
    id TEXT PRIMARY KEY,
    showtime_id TEXT NOT NULL REFERENCES showtimes(id),
    owner TEXT NOT NULL,
    expires_at INTEGER NOT NULL -- unix milliseconds
) STRICT;

-- At most one live hold per seat.
CREATE TABLE held_seats (
    showtime_id TEXT NOT NULL,
    seat_label TEXT NOT NULL,
    hold_id TEXT NOT NULL REFERENCES holds(id) ON DELETE CASCADE,
    PRIMARY KEY (showtime_id, seat_label)
) STRICT;

CREATE TABLE orders (
    id TEXT PRIMARY KEY,
    showtime_id TEXT NOT NULL REFERENCES showtimes(id),
    channel TEXT NOT NULL CHECK (channel IN ('terminal', 'web')),
    terminal_id TEXT,
    reference TEXT NOT NULL UNIQUE,
    total_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

-- One sale per seat per showtime, enforced by the primary key.
CREATE TABLE sold_seats (
    showtime_id TEXT NOT NULL REFERENCES showtimes(id),
    seat_label TEXT NOT NULL,
    order_id TEXT NOT NULL REFERENCES orders(id),
    ticket_type TEXT NOT NULL,
    price_minor INTEGER NOT NULL,
    PRIMARY KEY (showtime_id, seat_label)
) STRICT;

-- Every outbox entry ever applied, with its first result, for idempotency.
CREATE TABLE applied_entries (
    entry_id TEXT PRIMARY KEY,
    terminal_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    applied_at TEXT NOT NULL
) STRICT;
