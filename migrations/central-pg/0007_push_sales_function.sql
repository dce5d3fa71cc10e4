-- A terminal's push of sales on PostgreSQL in one round trip (entries.rs,
-- `push_sales_postgres`): central checks each entry's shape and money and
-- prepares what Rust knows (references, the day report's line, the entry
-- as JSON) first; then this function takes the same locks as a
-- showtime-scoped write (src/sql/scope.rs) and does what the Rust path does
-- in its transaction, entry by entry. The showtimes' locks are held for the
-- function's own work only, not across a dozen round trips between central
-- and the database.
--
-- Each entry runs in its own subtransaction (a BEGIN ... EXCEPTION block,
-- the Rust path's savepoint): a database failure on one entry undoes that
-- entry alone, which is answered `deferred`, and so is every later entry of
-- the same order; the rest of the batch goes on.
--
-- p_entries is a JSON array, one object per entry, in the batch's order.
-- An entry that failed central's shape or money checks (entry_checks.rs)
-- is id, seq, order, body (the entry as JSON text) and refused (its
-- outcome), and is recorded as refused. Any other is id, seq, order, body,
--   show (the sale's showtime), hold (the hold the sale names, or null),
--   currency, total, reference,
--   number and count (the order id's terminal number and order count),
--   override_by and override_reason (or null), day (the business day the
--   sale counts in), groups ([{show, seats: [label...]}], first seen first)
--   and seats ([{show, label, type, price}]).
-- Answers a JSON array, one object per entry: {"outcome": <the entry's
-- Outcome as protocol serialises it>, "error": <the database's message
-- when it was deferred, else null>}.

-- Records a seat event for the followers of the showtime's site (sql.rs,
-- `insert_event`; the instance's sequencer numbers it after the commit).
CREATE FUNCTION boxoffice_seat_event(p_show TEXT, p_seat TEXT, p_state TEXT, p_owner TEXT, p_at BIGINT)
RETURNS VOID LANGUAGE sql AS $$
    INSERT INTO pending_seat_events (site_id, showtime_id, seat_label, state, owner, at)
    SELECT site_id, id, p_seat, p_state, p_owner, p_at FROM showtimes WHERE id = p_show;
$$;

-- Announces a seat free when nothing has it any more (seats.rs, `announce_freed`).
CREATE FUNCTION boxoffice_announce_if_free(p_show TEXT, p_seat TEXT, p_at BIGINT)
RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM sold_seats WHERE showtime_id = p_show AND seat_label = p_seat)
       AND NOT EXISTS (SELECT 1 FROM held_seats WHERE showtime_id = p_show AND seat_label = p_seat)
       AND NOT EXISTS (SELECT 1 FROM leases WHERE showtime_id = p_show AND seat_label = p_seat)
    THEN
        PERFORM boxoffice_seat_event(p_show, p_seat, 'free', NULL, p_at);
    END IF;
END
$$;

CREATE FUNCTION boxoffice_rejected(p_code TEXT, p_message TEXT) RETURNS JSONB
LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object('outcome', 'rejected', 'code', p_code, 'message', p_message);
$$;

-- One sale (entries.rs, `apply_sale`): its outcome, and on `applied` the
-- order, its seats and their events, the terminal's leases and holds on
-- them ended.
CREATE FUNCTION boxoffice_apply_sale(p_terminal TEXT, p_site TEXT, p_now_ms BIGINT, p_now TEXT, e JSONB)
RETURNS JSONB LANGUAGE plpgsql AS $$
DECLARE
    v_order TEXT := e->>'order';
    known BOOLEAN;
    seller TEXT;
    in_conflict BOOLEAN;
    own_hold TEXT;
    grp JSONB;
    g_show TEXT;
    labels TEXT[];
    show_site TEXT;
    show_currency TEXT;
    twice TEXT;
    seat TEXT;
    s RECORD;
    missing TEXT[];
    taken TEXT[] := '{}';
    my_holds TEXT[] := '{}';
    my_leases TEXT[] := '{}';  -- 'showtime' || chr(31) || 'label'
    hold TEXT;
    f_shows TEXT[];
    f_seats TEXT[];
    st JSONB;
BEGIN
    SELECT EXISTS (SELECT 1 FROM orders WHERE id = v_order),
           (SELECT terminal_id FROM orders WHERE id = v_order),
           EXISTS (SELECT 1 FROM conflicts WHERE order_id = v_order AND resolution IS NULL)
    INTO known, seller, in_conflict;
    IF known AND seller = p_terminal THEN
        RETURN '{"outcome": "duplicate", "first": {"outcome": "applied"}}';
    ELSIF known THEN
        RETURN boxoffice_rejected('order_id_taken', 'this order id belongs to another order');
    END IF;
    IF jsonb_array_length(e->'seats') = 0 THEN
        RETURN boxoffice_rejected('empty_sale', 'a sale needs at least one seat');
    END IF;
    IF NOT EXISTS (SELECT 1 FROM jsonb_array_elements(e->'groups') g WHERE g->>'show' = e->>'show') THEN
        RETURN boxoffice_rejected('bad_showtime', 'the sale''s showtime has none of its seats');
    END IF;
    IF e->>'hold' IS NOT NULL THEN
        SELECT id INTO own_hold FROM holds WHERE id = e->>'hold' AND owner = p_terminal;
    END IF;
    FOR grp IN SELECT value FROM jsonb_array_elements(e->'groups') LOOP
        g_show := grp->>'show';
        SELECT array_agg(value) INTO labels FROM jsonb_array_elements_text(grp->'seats');
        SELECT t.site_id, si.currency INTO show_site, show_currency
        FROM showtimes t JOIN sites si ON si.id = t.site_id WHERE t.id = g_show;
        IF NOT FOUND THEN
            RETURN boxoffice_rejected('unknown_showtime', 'unknown showtime ' || g_show);
        ELSIF show_site <> p_site THEN
            RETURN boxoffice_rejected('wrong_site', 'the showtime is not at this terminal''s site');
        ELSIF show_currency <> e->>'currency' THEN
            RETURN boxoffice_rejected('wrong_currency', 'the site sells in ' || show_currency);
        END IF;
        -- seats.rs, `check_seats`: each seat once, on the screen, and free
        -- of sales, blocks, and others' holds and leases.
        SELECT l INTO twice FROM unnest(labels) WITH ORDINALITY AS u(l, n)
        WHERE EXISTS (SELECT 1 FROM unnest(labels) WITH ORDINALITY AS v(l, n) WHERE v.l = u.l AND v.n < u.n)
        ORDER BY n LIMIT 1;
        IF twice IS NOT NULL THEN
            RETURN boxoffice_rejected('bad_request', 'bad request: seat ' || twice || ' is listed twice');
        END IF;
        missing := '{}';
        FOREACH seat IN ARRAY labels LOOP
            SELECT
                EXISTS (SELECT 1 FROM sold_seats WHERE showtime_id = g_show AND seat_label = seat) AS sold,
                (SELECT hs.hold_id FROM held_seats hs WHERE hs.showtime_id = g_show AND hs.seat_label = seat) AS hold,
                (SELECT h2.owner FROM held_seats hs JOIN holds h2 ON h2.id = hs.hold_id
                 WHERE hs.showtime_id = g_show AND hs.seat_label = seat) AS owner,
                (SELECT terminal_id FROM leases WHERE showtime_id = g_show AND seat_label = seat) AS lessee,
                (SELECT ss.blocked FROM screen_seats ss JOIN showtimes t ON t.screen_id = ss.screen_id
                 WHERE t.id = g_show AND ss.label = seat) AS blocked
            INTO s;
            IF s.blocked IS NULL THEN
                missing := missing || seat;
                CONTINUE;
            END IF;
            IF s.hold IS NOT NULL AND s.owner = p_terminal AND NOT s.hold = ANY (my_holds) THEN
                my_holds := my_holds || s.hold;
            END IF;
            IF s.lessee = p_terminal THEN
                my_leases := my_leases || (g_show || chr(31) || seat);
            END IF;
            IF s.sold
               OR (s.hold IS NOT NULL AND s.owner IS NOT NULL
                   AND s.hold IS DISTINCT FROM own_hold AND s.owner <> p_terminal)
               OR (s.lessee IS NOT NULL AND s.lessee <> p_terminal)
               OR s.blocked <> 0
            THEN
                taken := taken || seat;
            END IF;
        END LOOP;
        IF cardinality(missing) > 0 THEN
            RETURN boxoffice_rejected('unknown_seats',
                'no such seats in this screen: ' || array_to_string(missing, ', '));
        END IF;
    END LOOP;
    IF cardinality(taken) > 0 THEN
        RETURN jsonb_build_object('outcome', 'conflict', 'seats', to_jsonb(taken));
    END IF;
    INSERT INTO orders (id, showtime_id, channel, terminal_id, reference, total_minor, currency,
        created_at, price_override_by, price_override_reason)
    VALUES (v_order, e->>'show', 'terminal', p_terminal, e->>'reference', (e->>'total')::BIGINT,
        e->>'currency', p_now, e->>'override_by', e->>'override_reason');
    -- entries.rs, `note_order_count`.
    UPDATE terminals SET order_count_seen = (e->>'count')::BIGINT
    WHERE id = p_terminal AND number = (e->>'number')::BIGINT
      AND COALESCE(order_count_seen, 0) < (e->>'count')::BIGINT;
    FOR st IN SELECT value FROM jsonb_array_elements(e->'seats') LOOP
        INSERT INTO sold_seats (showtime_id, seat_label, order_id, ticket_type, price_minor)
        VALUES (st->>'show', st->>'label', v_order, st->>'type', (st->>'price')::BIGINT);
        IF ((st->>'show') || chr(31) || (st->>'label')) = ANY (my_leases) THEN
            DELETE FROM leases WHERE showtime_id = st->>'show' AND seat_label = st->>'label';
        END IF;
        PERFORM boxoffice_seat_event(st->>'show', st->>'label', 'sold', p_terminal, p_now_ms);
    END LOOP;
    -- The terminal's holds on the seats it sold end; their other seats
    -- become free (entries.rs, `release_holds`).
    FOREACH hold IN ARRAY my_holds LOOP
        SELECT array_agg(showtime_id), array_agg(seat_label) INTO f_shows, f_seats
        FROM held_seats WHERE hold_id = hold;
        DELETE FROM holds WHERE id = hold;
        FOR i IN 1 .. coalesce(cardinality(f_shows), 0) LOOP
            PERFORM boxoffice_announce_if_free(f_shows[i], f_seats[i], p_now_ms);
        END LOOP;
    END LOOP;
    IF in_conflict THEN
        -- An override sale that was in conflict and is now sold on other seats.
        UPDATE conflicts SET resolution = 'reseated', resolved_at = p_now
        WHERE order_id = v_order AND resolution IS NULL;
    END IF;
    RETURN '{"outcome": "applied"}';
END
$$;

-- One entry (entries.rs, `apply_entry`): a duplicate's first answer, or the
-- sale's outcome, recorded with what the day report and the conflict list
-- need of it (entries.rs, `record_outcome`).
CREATE FUNCTION boxoffice_push_sale(p_terminal TEXT, p_site TEXT, p_now_ms BIGINT, p_now TEXT, e JSONB)
RETURNS JSONB LANGUAGE plpgsql AS $$
DECLARE
    seen RECORD;
    v_outcome JSONB;
BEGIN
    SELECT a.outcome, a.result, a.terminal_id INTO seen FROM applied_entries a WHERE a.entry_id = e->>'id';
    IF FOUND THEN
        IF seen.terminal_id <> p_terminal THEN
            -- Another terminal's entry: its outcome is not this one's to learn.
            RETURN boxoffice_rejected('entry_id_taken',
                'this entry id belongs to another terminal''s entry');
        END IF;
        RETURN jsonb_build_object('outcome', 'duplicate', 'first', CASE
            WHEN seen.result IS NOT NULL THEN seen.result::JSONB
            -- Rows from before results were stored only kept the name.
            WHEN seen.outcome = 'applied' THEN '{"outcome": "applied"}'::JSONB
            ELSE boxoffice_rejected(seen.outcome, 'see central''s records') END);
    END IF;
    v_outcome := coalesce(nullif(e->'refused', 'null'::JSONB),
        boxoffice_apply_sale(p_terminal, p_site, p_now_ms, p_now, e));
    IF v_outcome->>'outcome' IN ('applied', 'conflict') THEN
        -- The site's day report reads applied sales (and override sales in
        -- conflict: their money was taken) from `day_entries`.
        INSERT INTO day_entries (entry_id, site_id, terminal_id, business_day, kind, body, applied_at)
        VALUES (e->>'id', p_site, p_terminal, e->>'day', 'sale', e->>'body', p_now)
        ON CONFLICT DO NOTHING;
    END IF;
    IF v_outcome->>'outcome' = 'conflict' THEN
        INSERT INTO conflicts (entry_id, terminal_id, order_id, showtime_id, seats, body, created_at)
        VALUES (e->>'id', p_terminal, e->>'order', e->>'show',
            array_to_json(ARRAY(SELECT jsonb_array_elements_text(v_outcome->'seats')))::TEXT,
            e->>'body', p_now)
        ON CONFLICT DO NOTHING;
    END IF;
    INSERT INTO applied_entries (entry_id, terminal_id, seq, outcome, applied_at, result)
    VALUES (e->>'id', p_terminal, (e->>'seq')::BIGINT, v_outcome->>'outcome', p_now, v_outcome::TEXT);
    RETURN v_outcome;
END
$$;

-- The batch: the locks of a write scoped to p_shows (p_lock_keys are their
-- sql::scope::lock_key, sorted), the expiry of their holds and leases that
-- ran out (seats.rs, `expire_stale`), then each entry in its own
-- subtransaction.
CREATE FUNCTION boxoffice_push_sales(
    p_terminal TEXT,
    p_site TEXT,
    p_shows TEXT,      -- a JSON array of showtime ids
    p_lock_keys TEXT,  -- a JSON array of their lock keys, sorted
    p_now_ms BIGINT,
    p_now TEXT,        -- RFC 3339, as central keeps times in text
    p_entries TEXT
) RETURNS TEXT
LANGUAGE plpgsql AS $$
DECLARE
    k TEXT;
    v_show TEXT;
    held TEXT[];
    leased TEXT[];
    e JSONB;
    v_outcome JSONB;
    failure TEXT;
    deferred TEXT[] := '{}';
    answers JSONB := '[]';
BEGIN
    -- sql::pg::WRITER_LOCK, shared; then each showtime's lock
    -- (sql::scope::SHOWTIME_LOCK_CLASS and its key), in key order.
    PERFORM pg_advisory_xact_lock_shared(7093020289553033588);
    FOR k IN SELECT value FROM json_array_elements_text(p_lock_keys::JSON) LOOP
        PERFORM pg_advisory_xact_lock(1651472467, k::INTEGER);
    END LOOP;
    FOR v_show IN SELECT value FROM json_array_elements_text(p_shows::JSON) LOOP
        SELECT array_agg(hs.seat_label) INTO held FROM held_seats hs JOIN holds h ON h.id = hs.hold_id
        WHERE h.expires_at <= p_now_ms AND h.showtime_id = v_show;
        SELECT array_agg(l.seat_label) INTO leased FROM leases l
        WHERE l.expires_at <= p_now_ms AND l.showtime_id = v_show;
        IF held IS NOT NULL THEN
            DELETE FROM holds WHERE expires_at <= p_now_ms AND showtime_id = v_show;
        END IF;
        IF leased IS NOT NULL THEN
            DELETE FROM leases WHERE expires_at <= p_now_ms AND showtime_id = v_show;
        END IF;
        FOR i IN 1 .. coalesce(cardinality(held), 0) LOOP
            PERFORM boxoffice_announce_if_free(v_show, held[i], p_now_ms);
        END LOOP;
        FOR i IN 1 .. coalesce(cardinality(leased), 0) LOOP
            PERFORM boxoffice_announce_if_free(v_show, leased[i], p_now_ms);
        END LOOP;
    END LOOP;
    FOR e IN SELECT value FROM jsonb_array_elements(p_entries::JSONB) LOOP
        failure := NULL;
        -- An entry is held back with the orders it names: its own, or one
        -- it refers to.
        IF EXISTS (SELECT 1 FROM unnest(deferred) o
                   WHERE o = e->>'order' OR strpos(e->>'body', o) > 0) THEN
            v_outcome := jsonb_build_object('outcome', 'deferred', 'code', 'order_deferred',
                'message', 'an earlier entry of this order was deferred');
        ELSE
            BEGIN
                v_outcome := boxoffice_push_sale(p_terminal, p_site, p_now_ms, p_now, e);
            EXCEPTION WHEN OTHERS THEN
                failure := SQLSTATE || ': ' || SQLERRM;
                deferred := deferred || (e->>'order');
                v_outcome := jsonb_build_object('outcome', 'deferred', 'code', 'internal',
                    'message', 'central could not store this entry now; it will be taken when sent again');
            END;
        END IF;
        answers := answers || jsonb_build_array(jsonb_build_object('outcome', v_outcome, 'error', failure));
    END LOOP;
    RETURN answers::TEXT;
END
$$;
