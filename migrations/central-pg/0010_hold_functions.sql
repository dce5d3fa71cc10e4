-- Placing and releasing a hold on PostgreSQL in one call each
-- (holds_postgres.rs). The Rust path (holds.rs, as SQLite runs it) makes a
-- dozen round trips for a hold and half as many for its release, all while
-- holding the showtime's lock; these functions take the same locks as a
-- showtime-scoped write (src/sql/scope.rs) and hold them for their own work
-- only.
--
-- Both answer a JSON array. An answer other than "held" wrote nothing but
-- the expiry of holds and leases of the scope's showtimes that ran out;
-- going over the owner's cap on held seats raises SQLSTATE BX001, which
-- undoes the whole call.

-- Frees p_show's holds and leases that ran out by p_now_ms, announcing
-- each of their seats free where nothing else has it (seats.rs,
-- `expire_stale`, for one showtime of a scoped write).
CREATE FUNCTION boxoffice_expire_showtime(p_show TEXT, p_now_ms BIGINT)
RETURNS VOID LANGUAGE plpgsql AS $$
DECLARE
    held TEXT[];
    leased TEXT[];
BEGIN
    SELECT array_agg(hs.seat_label) INTO held FROM held_seats hs JOIN holds h ON h.id = hs.hold_id
    WHERE h.expires_at <= p_now_ms AND h.showtime_id = p_show;
    SELECT array_agg(l.seat_label) INTO leased FROM leases l
    WHERE l.expires_at <= p_now_ms AND l.showtime_id = p_show;
    IF held IS NOT NULL THEN
        DELETE FROM holds WHERE expires_at <= p_now_ms AND showtime_id = p_show;
    END IF;
    IF leased IS NOT NULL THEN
        DELETE FROM leases WHERE expires_at <= p_now_ms AND showtime_id = p_show;
    END IF;
    FOR i IN 1 .. coalesce(cardinality(held), 0) LOOP
        PERFORM boxoffice_announce_if_free(p_show, held[i], p_now_ms);
    END LOOP;
    FOR i IN 1 .. coalesce(cardinality(leased), 0) LOOP
        PERFORM boxoffice_announce_if_free(p_show, leased[i], p_now_ms);
    END LOOP;
END
$$;

-- A new hold of p_seats of p_show for p_owner (holds.rs, `create_hold`),
-- ending p_ttl_ms from now, and at the latest p_lifetime_ms after the
-- earliest start of the hold it replaces or of the owner's holds whose
-- seats it takes over; replacing p_replaces (the owner's hold, or nothing)
-- and taking over seats the owner holds in other holds.
-- p_site, when given, is the placing terminal's site: a showtime of
-- another site is refused (http/mod.rs, `create_hold`).
-- Answers ["held", expires_ms], ["unknown_showtime"], ["wrong_site",
-- the showtime's site], ["cancelled"],
-- ["twice", seat], ["unknown_seats", seat...], ["taken", seat...],
-- ["lifetime"] (its seats were held for the longest a hold lasts) or
-- ["changed"] (the replaced hold's showtime is outside p_shows: a hold
-- placed meanwhile; the caller places it again).
CREATE FUNCTION boxoffice_create_hold(
    p_owner TEXT,
    p_site TEXT,         -- the terminal's site, or NULL: any
    p_show TEXT,
    p_seats TEXT,        -- a JSON array of seat labels
    p_replaces TEXT,     -- the hold this one replaces, or NULL
    p_shows TEXT,        -- a JSON array: p_show and the replaced hold's showtime, as read before
    p_lock_keys TEXT,    -- a JSON array: the lock keys of p_shows and of the owner, sorted
    p_hold TEXT,         -- the new hold's id
    p_ttl_ms BIGINT,
    p_lifetime_ms BIGINT,
    p_max_held BIGINT,   -- most seats the owner may hold at once
    p_now_ms BIGINT
) RETURNS TEXT
LANGUAGE plpgsql AS $$
DECLARE
    k TEXT;
    v_show TEXT;
    shows TEXT[];
    labels TEXT[];
    seat TEXT;
    twice TEXT;
    cancelled BIGINT;
    show_site TEXT;
    s RECORD;
    missing TEXT[] := '{}';
    taken TEXT[] := '{}';
    started BIGINT := p_now_ms;
    earliest BIGINT;
    expires BIGINT;
    replaced_show TEXT;
    left_seats TEXT[];
    held_now BIGINT;
BEGIN
    -- sql::pg::WRITER_LOCK, shared; then each lock key, in order.
    PERFORM pg_advisory_xact_lock_shared(7093020289553033588);
    FOR k IN SELECT value FROM json_array_elements_text(p_lock_keys::JSON) LOOP
        PERFORM pg_advisory_xact_lock(1651472467, k::INTEGER);
    END LOOP;
    SELECT t.cancelled, t.site_id INTO cancelled, show_site FROM showtimes t WHERE t.id = p_show;
    IF NOT FOUND THEN
        RETURN '["unknown_showtime"]';
    ELSIF show_site <> p_site THEN
        RETURN jsonb_build_array('wrong_site', show_site)::TEXT;
    ELSIF cancelled <> 0 THEN
        RETURN '["cancelled"]';
    END IF;
    SELECT array_agg(value) INTO shows FROM json_array_elements_text(p_shows::JSON);
    -- The scope's holds and leases that ran out (seats.rs, `expire_stale`).
    FOREACH v_show IN ARRAY shows LOOP
        PERFORM boxoffice_expire_showtime(v_show, p_now_ms);
    END LOOP;
    -- seats.rs, `check_seats`: each seat once, on the screen, and free of
    -- sales, blocks, and others' holds and leases.
    SELECT array_agg(value) INTO labels FROM json_array_elements_text(p_seats::JSON);
    SELECT l INTO twice FROM unnest(labels) WITH ORDINALITY AS u(l, n)
    WHERE EXISTS (SELECT 1 FROM unnest(labels) WITH ORDINALITY AS v(l, n) WHERE v.l = u.l AND v.n < u.n)
    ORDER BY n LIMIT 1;
    IF twice IS NOT NULL THEN
        RETURN jsonb_build_array('twice', twice)::TEXT;
    END IF;
    FOREACH seat IN ARRAY labels LOOP
        SELECT
            EXISTS (SELECT 1 FROM sold_seats WHERE showtime_id = p_show AND seat_label = seat) AS sold,
            (SELECT h2.owner FROM held_seats hs JOIN holds h2 ON h2.id = hs.hold_id
             WHERE hs.showtime_id = p_show AND hs.seat_label = seat) AS owner,
            (SELECT terminal_id FROM leases WHERE showtime_id = p_show AND seat_label = seat) AS lessee,
            (SELECT ss.blocked FROM screen_seats ss JOIN showtimes t ON t.screen_id = ss.screen_id
             WHERE t.id = p_show AND ss.label = seat) AS blocked
        INTO s;
        IF s.blocked IS NULL THEN
            missing := missing || seat;
        ELSIF s.sold OR s.owner <> p_owner OR s.lessee <> p_owner OR s.blocked <> 0 THEN
            taken := taken || seat;
        END IF;
    END LOOP;
    IF cardinality(missing) > 0 THEN
        RETURN (jsonb_build_array('unknown_seats') || to_jsonb(missing))::TEXT;
    ELSIF cardinality(taken) > 0 THEN
        RETURN (jsonb_build_array('taken') || to_jsonb(taken))::TEXT;
    END IF;
    -- holds.rs, `first_held` and `hold_end` (a hold from before holds kept
    -- their start counts from its longest time to live before its expiry).
    IF p_replaces IS NOT NULL THEN
        SELECT COALESCE(started_at, expires_at - 900000), showtime_id INTO earliest, replaced_show
        FROM holds WHERE id = p_replaces AND owner = p_owner;
        started := least(started, earliest);
    END IF;
    SELECT min(COALESCE(h.started_at, h.expires_at - 900000)) INTO earliest
    FROM holds h JOIN held_seats hs ON hs.hold_id = h.id
    WHERE h.owner = p_owner AND hs.showtime_id = p_show AND hs.seat_label = ANY (labels);
    started := least(started, earliest);
    IF started + p_lifetime_ms <= p_now_ms THEN
        RETURN '["lifetime"]';
    END IF;
    expires := least(p_now_ms + p_ttl_ms, started + p_lifetime_ms);
    -- A replaced hold placed meanwhile on a showtime outside the scope.
    IF replaced_show IS NOT NULL AND NOT replaced_show = ANY (shows) THEN
        RETURN '["changed"]';
    END IF;
    -- Seats in an older hold of the owner (an answer it never got) move to this one.
    DELETE FROM held_seats
    WHERE showtime_id = p_show AND seat_label = ANY (labels)
      AND hold_id IN (SELECT id FROM holds WHERE owner = p_owner);
    INSERT INTO holds (id, showtime_id, owner, expires_at, started_at)
    VALUES (p_hold, p_show, p_owner, expires, started);
    FOREACH seat IN ARRAY labels LOOP
        INSERT INTO held_seats (showtime_id, seat_label, hold_id) VALUES (p_show, seat, p_hold);
        PERFORM boxoffice_seat_event(p_show, seat, 'held', p_owner, p_now_ms);
    END LOOP;
    IF replaced_show IS NOT NULL AND p_replaces <> p_hold THEN
        SELECT array_agg(seat_label) INTO left_seats FROM held_seats WHERE hold_id = p_replaces;
        DELETE FROM holds WHERE id = p_replaces AND owner = p_owner;
        FOR i IN 1 .. coalesce(cardinality(left_seats), 0) LOOP
            PERFORM boxoffice_announce_if_free(replaced_show, left_seats[i], p_now_ms);
        END LOOP;
    END IF;
    -- Live holds only: the owner's holds on other showtimes are not swept here.
    SELECT count(*) INTO held_now FROM held_seats hs JOIN holds h ON h.id = hs.hold_id
    WHERE h.owner = p_owner AND h.expires_at > p_now_ms;
    IF held_now > p_max_held THEN
        RAISE EXCEPTION 'an owner holds % seats, over the cap of %', held_now, p_max_held
            USING ERRCODE = 'BX001';
    END IF;
    RETURN jsonb_build_array('held', expires)::TEXT;
END
$$;

-- The release of the owner's hold p_hold on p_show (holds.rs,
-- `release_hold`; the caller read its showtime and passes its lock key):
-- the hold goes, its seats are announced free where nothing else has them.
-- Answers ["released", seats] (0 when the hold was gone already, or not
-- the owner's).
CREATE FUNCTION boxoffice_release_hold(
    p_owner TEXT,
    p_hold TEXT,
    p_show TEXT,
    p_lock_key INTEGER,  -- sql::scope::lock_key(p_show)
    p_now_ms BIGINT
) RETURNS TEXT
LANGUAGE plpgsql AS $$
DECLARE
    f_shows TEXT[];
    f_seats TEXT[];
BEGIN
    PERFORM pg_advisory_xact_lock_shared(7093020289553033588);
    PERFORM pg_advisory_xact_lock(1651472467, p_lock_key);
    -- Read again under the lock: its showtime is the one locked, or it is
    -- not released here (a hold's showtime never changes; one that went
    -- and came back under the same id is not this caller's to release).
    SELECT array_agg(hs.showtime_id), array_agg(hs.seat_label) INTO f_shows, f_seats
    FROM held_seats hs JOIN holds h ON h.id = hs.hold_id
    WHERE h.id = p_hold AND h.owner = p_owner AND h.showtime_id = p_show;
    DELETE FROM holds WHERE id = p_hold AND owner = p_owner AND showtime_id = p_show;
    FOR i IN 1 .. coalesce(cardinality(f_shows), 0) LOOP
        PERFORM boxoffice_announce_if_free(f_shows[i], f_seats[i], p_now_ms);
    END LOOP;
    RETURN jsonb_build_array('released', coalesce(cardinality(f_shows), 0))::TEXT;
END
$$;
