-- Issue 11, shifts and sign-in.
--
-- Cash moved in or out of a shift's drawer other than by sales and refunds:
-- pay-ins (change brought from the safe), pay-outs (petty cash, with a
-- supervisor's or manager's approval) and drops (surplus notes taken to the
-- safe during the shift). Each has a reason and counts in the shift's
-- expected cash.
CREATE TABLE cash_movements (
    id TEXT PRIMARY KEY,
    shift_id TEXT NOT NULL REFERENCES shifts(id),
    kind TEXT NOT NULL CHECK (kind IN ('pay_in', 'pay_out', 'drop')),
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    reason TEXT NOT NULL,
    staff_id TEXT NOT NULL,
    approved_by TEXT,
    at TEXT NOT NULL,
    business_day TEXT NOT NULL
) STRICT;
CREATE INDEX cash_movements_shift ON cash_movements(shift_id);

-- Money a conflict's refund paid back counts in the drawer that paid it
-- (the shift open when it was refunded), not in the sale's own shift.
ALTER TABLE payments ADD COLUMN shift_id TEXT REFERENCES shifts(id);
CREATE INDEX payments_shift ON payments(shift_id) WHERE shift_id IS NOT NULL;

-- The blind count of the close, by denomination: JSON `[[minor, pieces], ...]`.
ALTER TABLE shifts ADD COLUMN counted_detail TEXT;

-- Wrong PINs per subject: `staff:ID` for a named sign-in, `approve:ID` for
-- approval PINs typed at ID's session, `pad` for a PIN given without a name
-- (the CLI). Replaces the one counter per terminal, with which one person's
-- wrong PINs locked everybody out. Times are unix seconds; lockouts double
-- and a quiet day (no wrong PIN since `last_failure_at`) forgets the count.
CREATE TABLE pin_failures (
    subject TEXT PRIMARY KEY,
    count INTEGER NOT NULL CHECK (count >= 0),
    locked_until INTEGER,
    last_failure_at INTEGER
) STRICT;
DELETE FROM config WHERE key = 'pin_failures';
