-- Price rules of the cached price cards (API 1.1), and a supervisor's price
-- override on an order.

-- One rule per row, as central sent it (protocol::PriceRuleWire as JSON).
CREATE TABLE price_rules (
    price_card_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    code TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (price_card_id, code)
) STRICT;

-- Who set the order's ticket price by hand, and why (both or neither).
ALTER TABLE orders ADD COLUMN price_override_by TEXT;
ALTER TABLE orders ADD COLUMN price_override_reason TEXT;
