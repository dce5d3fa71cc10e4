-- Central's schema on PostgreSQL: the same tables as SQLite's migrations
-- 0001 to 0012 leave, with BIGINT for every integer (times in unix seconds
-- or milliseconds, money in minor units, booleans as 0/1) and identity
-- columns for the two feeds. Later changes are new files, append only.

CREATE TABLE sites (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    chain_name TEXT NOT NULL,
    country TEXT NOT NULL,
    currency TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    vat_rate_bp BIGINT NOT NULL CHECK (vat_rate_bp >= 0),
    address TEXT NOT NULL,
    tax_number TEXT NOT NULL,
    business_day_cutoff_hour BIGINT NOT NULL DEFAULT 6,
    logo_png BYTEA
);

CREATE TABLE terminals (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id),
    name TEXT NOT NULL,
    token_hash TEXT,
    number BIGINT,
    order_count_seen BIGINT
);
CREATE UNIQUE INDEX terminals_number ON terminals(number);

-- Each terminal gets the next free number (1..1023), which order
-- references carry: references are unique by construction.
CREATE FUNCTION terminals_numbered() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.number IS NULL THEN
        NEW.number := (SELECT COALESCE(max(number), 0) + 1 FROM terminals);
    END IF;
    IF NEW.number > 1023 THEN
        RAISE EXCEPTION 'no terminal number left (1..1023)';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER terminals_numbered BEFORE INSERT ON terminals
    FOR EACH ROW EXECUTE FUNCTION terminals_numbered();

CREATE TABLE films (
    id TEXT PRIMARY KEY,
    title_en TEXT NOT NULL,
    title_ar TEXT NOT NULL,
    rating TEXT NOT NULL,
    runtime_min BIGINT NOT NULL
);

CREATE TABLE screens (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id),
    name TEXT NOT NULL
);

CREATE TABLE screen_seats (
    screen_id TEXT NOT NULL REFERENCES screens(id),
    label TEXT NOT NULL,
    row_name TEXT NOT NULL,
    number BIGINT NOT NULL,
    x BIGINT NOT NULL,
    y BIGINT NOT NULL,
    area TEXT NOT NULL CHECK (area IN ('standard', 'premium', 'vip')),
    kind TEXT NOT NULL CHECK (kind IN ('standard', 'wheelchair', 'companion')),
    blocked BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (screen_id, label)
);

CREATE TABLE price_cards (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id)
);

CREATE TABLE prices (
    price_card_id TEXT NOT NULL REFERENCES price_cards(id),
    ticket_type TEXT NOT NULL,
    name_en TEXT NOT NULL,
    name_ar TEXT NOT NULL,
    price_minor BIGINT NOT NULL CHECK (price_minor >= 0),
    position BIGINT NOT NULL,
    PRIMARY KEY (price_card_id, ticket_type)
);

CREATE TABLE price_rules (
    price_card_id TEXT NOT NULL REFERENCES price_cards(id),
    code TEXT NOT NULL,
    name_en TEXT NOT NULL,
    name_ar TEXT NOT NULL,
    adjustment_minor BIGINT NOT NULL,
    window_start TEXT,
    window_end TEXT,
    weekdays TEXT NOT NULL DEFAULT '[]',
    formats TEXT NOT NULL DEFAULT '[]',
    areas TEXT NOT NULL DEFAULT '[]',
    ticket_types TEXT NOT NULL DEFAULT '[]',
    position BIGINT NOT NULL,
    PRIMARY KEY (price_card_id, code),
    CHECK ((window_start IS NULL) = (window_end IS NULL))
);

CREATE TABLE showtimes (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id),
    screen_id TEXT NOT NULL REFERENCES screens(id),
    film_id TEXT NOT NULL REFERENCES films(id),
    starts_at BIGINT NOT NULL, -- unix seconds
    format TEXT NOT NULL,
    price_card_id TEXT NOT NULL REFERENCES price_cards(id),
    cancelled BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX showtimes_by_site ON showtimes(site_id, starts_at);

CREATE TABLE staff (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id),
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('cashier', 'supervisor', 'manager')),
    pin_hash TEXT NOT NULL
);

CREATE TABLE holds (
    id TEXT PRIMARY KEY,
    showtime_id TEXT NOT NULL REFERENCES showtimes(id),
    owner TEXT NOT NULL,
    expires_at BIGINT NOT NULL, -- unix milliseconds
    started_at BIGINT
);
CREATE INDEX holds_by_owner ON holds(owner);
CREATE INDEX holds_by_expiry ON holds(expires_at);

CREATE TABLE held_seats (
    showtime_id TEXT NOT NULL,
    seat_label TEXT NOT NULL,
    hold_id TEXT NOT NULL REFERENCES holds(id) ON DELETE CASCADE,
    PRIMARY KEY (showtime_id, seat_label)
);
CREATE INDEX held_seats_by_hold ON held_seats(hold_id);

CREATE TABLE orders (
    id TEXT PRIMARY KEY,
    showtime_id TEXT NOT NULL REFERENCES showtimes(id),
    channel TEXT NOT NULL CHECK (channel IN ('terminal', 'web')),
    terminal_id TEXT,
    reference TEXT NOT NULL,
    total_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    created_at TEXT NOT NULL,
    refunded_at TEXT,
    collected_at TEXT,
    collected_by TEXT,
    price_override_by TEXT,
    price_override_reason TEXT,
    refunded_minor BIGINT NOT NULL DEFAULT 0,
    web_channel TEXT
);
CREATE UNIQUE INDEX orders_web_reference ON orders(reference) WHERE channel = 'web';
CREATE INDEX orders_reference ON orders(reference);
CREATE INDEX orders_terminal ON orders(terminal_id);

-- The seat authority: a seat of a showtime is sold at most once.
CREATE TABLE sold_seats (
    showtime_id TEXT NOT NULL REFERENCES showtimes(id),
    seat_label TEXT NOT NULL,
    order_id TEXT NOT NULL REFERENCES orders(id),
    ticket_type TEXT NOT NULL,
    price_minor BIGINT NOT NULL,
    PRIMARY KEY (showtime_id, seat_label)
);
CREATE INDEX sold_seats_by_order ON sold_seats(order_id);

-- An entry is applied once: its id is the key.
CREATE TABLE applied_entries (
    entry_id TEXT PRIMARY KEY,
    terminal_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    result TEXT
);
CREATE INDEX applied_entries_terminal ON applied_entries(terminal_id, applied_at);
CREATE INDEX applied_entries_terminal_seq ON applied_entries(terminal_id, seq);

CREATE TABLE terminal_keys (
    terminal_id TEXT PRIMARY KEY REFERENCES terminals(id),
    public_key TEXT NOT NULL, -- 32 bytes, base64url without padding
    registered_at TEXT NOT NULL
);

CREATE TABLE leases (
    showtime_id TEXT NOT NULL REFERENCES showtimes(id),
    seat_label TEXT NOT NULL,
    terminal_id TEXT NOT NULL REFERENCES terminals(id),
    granted_at BIGINT NOT NULL, -- unix milliseconds
    expires_at BIGINT NOT NULL, -- unix milliseconds: back to general sale
    PRIMARY KEY (showtime_id, seat_label)
);
CREATE INDEX leases_by_terminal ON leases(terminal_id, showtime_id);
CREATE INDEX leases_by_expiry ON leases(expires_at);

CREATE TABLE site_settings (
    site_id TEXT PRIMARY KEY REFERENCES sites(id),
    settings TEXT NOT NULL
);

-- The seat event feed. Numbers come from the identity in commit order:
-- every write holds the writer lock until it commits.
CREATE TABLE seat_events (
    seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    site_id TEXT NOT NULL,
    showtime_id TEXT NOT NULL,
    seat_label TEXT NOT NULL,
    state TEXT NOT NULL,
    owner TEXT,
    at BIGINT NOT NULL -- unix milliseconds
);
CREATE INDEX seat_events_by_site ON seat_events(site_id, seq);

CREATE TABLE conflicts (
    entry_id TEXT PRIMARY KEY,
    terminal_id TEXT NOT NULL,
    order_id TEXT NOT NULL,
    showtime_id TEXT NOT NULL,
    seats TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    resolution TEXT,
    resolved_at TEXT
);

CREATE TABLE terminal_heartbeats (
    terminal_id TEXT PRIMARY KEY REFERENCES terminals(id),
    seen_at TEXT NOT NULL,
    queue_depth BIGINT NOT NULL,
    oldest_unsynced_secs BIGINT,
    open_conflicts BIGINT NOT NULL,
    version TEXT NOT NULL,
    unsynced_days TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE voided_tickets (
    seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    site_id TEXT NOT NULL,
    order_id TEXT NOT NULL,
    showtime_id TEXT NOT NULL,
    seat_label TEXT NOT NULL,
    why TEXT NOT NULL CHECK (why IN ('refund', 'moved', 'admitted')),
    voided_at TEXT NOT NULL
);
CREATE INDEX voided_tickets_site ON voided_tickets(site_id, seq);
CREATE INDEX voided_tickets_order ON voided_tickets(order_id);

CREATE TABLE admissions (
    order_id TEXT NOT NULL,
    showtime_id TEXT NOT NULL REFERENCES showtimes(id),
    seat_label TEXT NOT NULL,
    terminal_id TEXT NOT NULL,
    admitted_at TEXT NOT NULL,
    PRIMARY KEY (order_id, showtime_id, seat_label)
);

CREATE TABLE day_entries (
    entry_id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    terminal_id TEXT,
    business_day TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('sale', 'refund', 'web_sale')),
    body TEXT NOT NULL,
    applied_at TEXT NOT NULL
);
CREATE INDEX day_entries_site_day ON day_entries(site_id, business_day);

CREATE TABLE reference_counters (
    channel TEXT PRIMARY KEY,
    next BIGINT NOT NULL,
    key BIGINT NOT NULL
);

CREATE TABLE web_channels (
    id TEXT PRIMARY KEY,
    key_hash TEXT NOT NULL,
    sites TEXT NOT NULL,
    max_seats_per_sale BIGINT NOT NULL CHECK (max_seats_per_sale BETWEEN 1 AND 50),
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

-- Web references count up through a keyed permutation; the key is secret.
INSERT INTO reference_counters (channel, next, key)
    VALUES ('web', 0, floor(random() * 9007199254740991)::bigint);
