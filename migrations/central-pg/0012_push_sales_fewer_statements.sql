-- A sale (0007's boxoffice_apply_sale) with fewer statements: each
-- statement of a PL/pgSQL function starts an executor, and a sale of one
-- seat ran about twenty with the push around it (0011 trims the push). A
-- sale of one seat skips the check for seats listed twice, and a sold
-- seat's event is written in place (its site known: every showtime of the
-- sale was found at the terminal's site). Same answers, same writes.

CREATE OR REPLACE FUNCTION boxoffice_apply_sale(p_terminal TEXT, p_site TEXT, p_now_ms BIGINT, p_now TEXT, e JSONB)
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
        IF cardinality(labels) > 1 THEN
            SELECT l INTO twice FROM unnest(labels) WITH ORDINALITY AS u(l, n)
            WHERE EXISTS (SELECT 1 FROM unnest(labels) WITH ORDINALITY AS v(l, n) WHERE v.l = u.l AND v.n < u.n)
            ORDER BY n LIMIT 1;
        END IF;
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
        -- boxoffice_seat_event, in place: every showtime of the sale was
        -- found above at p_site.
        INSERT INTO pending_seat_events (site_id, showtime_id, seat_label, state, owner, at)
        VALUES (p_site, st->>'show', st->>'label', 'sold', p_terminal, p_now_ms);
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
