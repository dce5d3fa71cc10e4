-- The sequencer of 0003, moving a batch in three statements rather than one
-- INSERT per event: under load it ran hundreds of times a second, each
-- time looping over its events one by one.
--
-- Numbers follow pending ids: the INSERT takes the moved rows sorted by id,
-- and the identity numbers rows in the order the sort yields them, so every
-- seat's events keep their order (see 0003).
CREATE OR REPLACE FUNCTION boxoffice_sequence_seat_events() RETURNS TEXT
LANGUAGE plpgsql AS $$
DECLARE
    last BIGINT;
    sites TEXT[];
    payload TEXT;
BEGIN
    -- sql::sequencer::SEQUENCER_LOCK
    PERFORM pg_advisory_xact_lock(7093020289485074803);
    WITH batch AS (
        DELETE FROM pending_seat_events
        WHERE id IN (SELECT id FROM pending_seat_events ORDER BY id LIMIT 10000)
        RETURNING *
    ), numbered AS (
        INSERT INTO seat_events (site_id, showtime_id, seat_label, state, owner, at)
        SELECT site_id, showtime_id, seat_label, state, owner, at FROM batch ORDER BY id
        RETURNING seq, site_id
    )
    SELECT max(seq), array_agg(DISTINCT site_id) INTO last, sites FROM numbered;
    IF last IS NULL THEN
        RETURN NULL;
    END IF;
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
