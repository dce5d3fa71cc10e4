-- The seat event feed on PostgreSQL: writers record seat events in
-- `pending_seat_events`, with no lock beyond their own; a sequencer moves
-- them into `seat_events`, numbering them there, one batch per transaction
-- under its own lock (src/sql/sequencer.rs). Numbers therefore become
-- visible in increasing order (followers reading `seq > after` never skip
-- one), and writers' commits no longer queue behind each other's.
--
-- Order: a seat's events are written by transactions that ran one after the
-- other (they hold its showtime's lock, or the exclusive writer lock), so the
-- later one's pending ids are higher and are never visible without the
-- earlier one's: moving pending events in id order keeps every seat's order.
CREATE TABLE pending_seat_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site_id TEXT NOT NULL,
    showtime_id TEXT NOT NULL,
    seat_label TEXT NOT NULL,
    state TEXT NOT NULL,
    owner TEXT,
    at BIGINT NOT NULL -- unix milliseconds
);

-- Writers do not NOTIFY: PostgreSQL commits notifying transactions one at a
-- time. The writing instance wakes its own sequencer after the commit, and
-- every instance sweeps once a second for what another left behind.

-- Moves up to 10,000 pending events into the feed, in id order, and tells
-- the instances (channel `boxoffice_seat_events`, payload: the last event
-- number and the sites concerned, or ` *` past 4,000 bytes). Returns the
-- payload, or NULL when nothing was pending. Call it in a transaction of
-- its own: the lock it takes is held to its commit.
CREATE FUNCTION boxoffice_sequence_seat_events() RETURNS TEXT
LANGUAGE plpgsql AS $$
DECLARE
    p RECORD;
    moved BIGINT[] := '{}';
    sites TEXT[] := '{}';
    last BIGINT;
    payload TEXT;
BEGIN
    -- sql::sequencer::SEQUENCER_LOCK
    PERFORM pg_advisory_xact_lock(7093020289485074803);
    FOR p IN SELECT * FROM pending_seat_events ORDER BY id LIMIT 10000
    LOOP
        INSERT INTO seat_events (site_id, showtime_id, seat_label, state, owner, at)
        VALUES (p.site_id, p.showtime_id, p.seat_label, p.state, p.owner, p.at);
        moved := moved || p.id;
        IF NOT p.site_id = ANY(sites) THEN
            sites := sites || p.site_id;
        END IF;
    END LOOP;
    IF cardinality(moved) = 0 THEN
        RETURN NULL;
    END IF;
    DELETE FROM pending_seat_events WHERE id = ANY(moved);
    SELECT max(seq) INTO last FROM seat_events;
    payload := last::TEXT;
    IF length(array_to_string(sites, ' ')) >= 4000 THEN
        payload := payload || ' *';
    ELSE
        payload := payload || ' ' || array_to_string(sites, ' ');
    END IF;
    PERFORM pg_notify('boxoffice_seat_events', payload);
    RETURN payload;
END
$$;
