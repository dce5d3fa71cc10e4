-- A web sale on PostgreSQL in one round trip (web_bookings.rs,
-- `web_sale_postgres`): central reads the showtime and prices the sale
-- first, then this function takes the same locks as a showtime-scoped write
-- (src/sql/scope.rs), checks and sells, in one transaction. The locks are
-- held for the function's own work only, not across a dozen round trips
-- between central and the database.
--
-- It does what the SQLite path does in its transaction: the showtime must
-- exist, not have started, not be cancelled; holds and leases of the
-- showtime that ran out go (their seats announced free if nothing else holds
-- them); every seat must be on the screen and free of sales, holds, leases
-- and blocks; then the order, its seats, their seat events and the day
-- report's line are written.
--
-- Answers a JSON array: ["sold"], ["unknown_showtime"], ["started"],
-- ["cancelled"], ["reference_taken"] (the caller tries the next reference),
-- ["unknown_seats", seat...] or ["taken", seat...]. An answer other than
-- "sold" wrote nothing but the expiry of holds and leases that ran out.
CREATE FUNCTION boxoffice_web_sale(
    p_order TEXT,
    p_show TEXT,
    p_seats TEXT,          -- a JSON array of seat labels, each once
    p_lock_key INTEGER,    -- sql::scope::lock_key(p_show)
    p_reference TEXT,
    p_total BIGINT,
    p_currency TEXT,
    p_price BIGINT,        -- each seat's (adult) price
    p_channel TEXT,
    p_now_s BIGINT,
    p_now_ms BIGINT,
    p_now TEXT,            -- RFC 3339, as the orders and day entries keep it
    p_site TEXT,
    p_business_day TEXT,
    p_day_body TEXT
) RETURNS TEXT
LANGUAGE plpgsql AS $$
DECLARE
    shown RECORD;
    seats TEXT[];
    seat TEXT;
    freed TEXT[] := '{}';
    taken TEXT[] := '{}';
    missing TEXT[] := '{}';
    s RECORD;
BEGIN
    -- sql::pg::WRITER_LOCK, shared; then the showtime's lock
    -- (sql::scope::SHOWTIME_LOCK_CLASS and the caller's key).
    PERFORM pg_advisory_xact_lock_shared(7093020289553033588);
    PERFORM pg_advisory_xact_lock(1651472467, p_lock_key);
    SELECT cancelled, starts_at INTO shown FROM showtimes WHERE id = p_show;
    IF NOT FOUND THEN
        RETURN '["unknown_showtime"]';
    ELSIF shown.starts_at <= p_now_s THEN
        RETURN '["started"]';
    ELSIF shown.cancelled <> 0 THEN
        RETURN '["cancelled"]';
    END IF;
    SELECT array_agg(value) INTO seats FROM json_array_elements_text(p_seats::json);
    -- Holds and leases of the showtime that ran out.
    SELECT array_agg(label) INTO freed FROM (
        SELECT hs.seat_label AS label FROM held_seats hs JOIN holds h ON h.id = hs.hold_id
        WHERE h.expires_at <= p_now_ms AND h.showtime_id = p_show
        UNION ALL
        SELECT seat_label FROM leases WHERE expires_at <= p_now_ms AND showtime_id = p_show
    ) due;
    IF freed IS NOT NULL THEN
        DELETE FROM holds WHERE expires_at <= p_now_ms AND showtime_id = p_show;
        DELETE FROM leases WHERE expires_at <= p_now_ms AND showtime_id = p_show;
        FOREACH seat IN ARRAY freed LOOP
            IF NOT EXISTS (SELECT 1 FROM sold_seats WHERE showtime_id = p_show AND seat_label = seat)
               AND NOT EXISTS (SELECT 1 FROM held_seats WHERE showtime_id = p_show AND seat_label = seat)
               AND NOT EXISTS (SELECT 1 FROM leases WHERE showtime_id = p_show AND seat_label = seat)
            THEN
                INSERT INTO pending_seat_events (site_id, showtime_id, seat_label, state, owner, at)
                VALUES (p_site, p_show, seat, 'free', NULL, p_now_ms);
            END IF;
        END LOOP;
    END IF;
    -- Every seat on the screen and free.
    FOREACH seat IN ARRAY seats LOOP
        SELECT
            EXISTS (SELECT 1 FROM sold_seats WHERE showtime_id = p_show AND seat_label = seat) AS sold,
            EXISTS (SELECT 1 FROM held_seats WHERE showtime_id = p_show AND seat_label = seat) AS held,
            EXISTS (SELECT 1 FROM leases WHERE showtime_id = p_show AND seat_label = seat) AS leased,
            (SELECT ss.blocked FROM screen_seats ss JOIN showtimes t ON t.screen_id = ss.screen_id
             WHERE t.id = p_show AND ss.label = seat) AS blocked
        INTO s;
        IF s.blocked IS NULL THEN
            missing := missing || seat;
        ELSIF s.sold OR s.held OR s.leased OR s.blocked <> 0 THEN
            taken := taken || seat;
        END IF;
    END LOOP;
    IF cardinality(missing) > 0 THEN
        RETURN array_to_json(ARRAY['unknown_seats'] || missing)::TEXT;
    ELSIF cardinality(taken) > 0 THEN
        RETURN array_to_json(ARRAY['taken'] || taken)::TEXT;
    END IF;
    INSERT INTO orders (id, showtime_id, channel, terminal_id, reference, total_minor,
        currency, created_at, web_channel)
    VALUES (p_order, p_show, 'web', NULL, p_reference, p_total, p_currency, p_now, p_channel)
    ON CONFLICT (reference) WHERE channel = 'web' DO NOTHING;
    IF NOT FOUND THEN
        RETURN '["reference_taken"]';
    END IF;
    FOREACH seat IN ARRAY seats LOOP
        INSERT INTO sold_seats (showtime_id, seat_label, order_id, ticket_type, price_minor)
        VALUES (p_show, seat, p_order, 'adult', p_price);
        INSERT INTO pending_seat_events (site_id, showtime_id, seat_label, state, owner, at)
        VALUES (p_site, p_show, seat, 'sold', 'web', p_now_ms);
    END LOOP;
    INSERT INTO day_entries (entry_id, site_id, terminal_id, business_day, kind, body, applied_at)
    VALUES (p_order, p_site, NULL, p_business_day, 'web_sale', p_day_body, p_now)
    ON CONFLICT DO NOTHING;
    RETURN '["sold"]';
END
$$;
