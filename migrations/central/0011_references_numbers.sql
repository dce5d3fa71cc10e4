-- Order references unique by construction (API 1.6).
--
-- Each terminal gets a number (1..1023), given in order of creation; a
-- terminal's order ids carry it and the terminal's own count in their last
-- 32 bits, so its `T` references never meet another terminal's.
ALTER TABLE terminals ADD COLUMN number INTEGER;
UPDATE terminals SET number = (SELECT count(*) FROM terminals t WHERE t.rowid <= terminals.rowid);
CREATE UNIQUE INDEX terminals_number ON terminals(number);
CREATE TRIGGER terminals_numbered AFTER INSERT ON terminals WHEN NEW.number IS NULL
BEGIN
    UPDATE terminals SET number = (SELECT COALESCE(max(number), 0) + 1 FROM terminals)
    WHERE id = NEW.id;
    SELECT RAISE(ABORT, 'no terminal number left (1..1023)')
    WHERE (SELECT max(number) FROM terminals) > 1023;
END;

-- Web references come from a counter through a keyed permutation of 32
-- bits: unique by construction, and not one after the other.
CREATE TABLE reference_counters (
    channel TEXT PRIMARY KEY,
    next INTEGER NOT NULL,
    key INTEGER NOT NULL
) STRICT;
INSERT INTO reference_counters (channel, next, key) VALUES ('web', 0, abs(random()));

-- References are unique among web orders (looked up at the counter); a
-- terminal's references are its own business and unique by construction, so
-- one entry central cannot store never blocks on another terminal's order.
-- (Migrations run with foreign keys off; CentralDb::open checks them after.)
CREATE TABLE orders_new (
    id TEXT PRIMARY KEY,
    showtime_id TEXT NOT NULL REFERENCES showtimes(id),
    channel TEXT NOT NULL CHECK (channel IN ('terminal', 'web')),
    terminal_id TEXT,
    reference TEXT NOT NULL,
    total_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    created_at TEXT NOT NULL,
    refunded_at TEXT,
    collected_at TEXT,
    collected_by TEXT,
    price_override_by TEXT,
    price_override_reason TEXT,
    refunded_minor INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO orders_new (id, showtime_id, channel, terminal_id, reference, total_minor, currency,
    created_at, refunded_at, collected_at, collected_by, price_override_by,
    price_override_reason, refunded_minor)
SELECT id, showtime_id, channel, terminal_id, reference, total_minor, currency,
    created_at, refunded_at, collected_at, collected_by, price_override_by,
    price_override_reason, refunded_minor FROM orders;
DROP TABLE orders;
ALTER TABLE orders_new RENAME TO orders;
CREATE UNIQUE INDEX orders_web_reference ON orders(reference) WHERE channel = 'web';
CREATE INDEX orders_reference ON orders(reference);
CREATE INDEX orders_terminal ON orders(terminal_id);
