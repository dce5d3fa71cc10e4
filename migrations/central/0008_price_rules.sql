-- Price rules: adjustments to a price card's prices (API 1.1), and who set a
-- sale's price by hand.
-- A rule applies when every condition it sets holds; the lists are JSON
-- arrays, empty for "any".

CREATE TABLE price_rules (
    price_card_id TEXT NOT NULL REFERENCES price_cards(id),
    code TEXT NOT NULL,
    name_en TEXT NOT NULL,
    name_ar TEXT NOT NULL,
    adjustment_minor INTEGER NOT NULL,
    -- Local start-time window, HH:MM, start inclusive, end exclusive (wraps past midnight).
    window_start TEXT,
    window_end TEXT,
    weekdays TEXT NOT NULL DEFAULT '[]',
    formats TEXT NOT NULL DEFAULT '[]',
    areas TEXT NOT NULL DEFAULT '[]',
    ticket_types TEXT NOT NULL DEFAULT '[]',
    position INTEGER NOT NULL,
    PRIMARY KEY (price_card_id, code),
    CHECK ((window_start IS NULL) = (window_end IS NULL))
) STRICT;

ALTER TABLE orders ADD COLUMN price_override_by TEXT;
ALTER TABLE orders ADD COLUMN price_override_reason TEXT;
