-- The push of sales (0007) for the counters' common case: a counter
-- online pushes each sale as it is made, and a batch of that one entry now
-- runs without a subtransaction (a BEGIN ... EXCEPTION block costs a
-- subtransaction per entry); central answers a failure of the call as the
-- entry's own `deferred` (push_postgres.rs), as the subtransaction's
-- handler would. A batch of several entries runs as before. With fewer
-- statements than 0007's (each statement of a PL/pgSQL function starts an
-- executor): the showtimes' locks are one statement, their expiry one (0010's
-- function, run only for a showtime with something due), and a batch with
-- nothing deferred asks nothing of the deferred orders. Same answers, same
-- writes.
--
-- The batch: the locks of a write scoped to p_shows (p_lock_keys are their
-- sql::scope::lock_key, sorted), the expiry of their holds and leases that
-- ran out, then each entry (in its own subtransaction unless p_single).
CREATE FUNCTION boxoffice_push_sales(
    p_terminal TEXT,
    p_site TEXT,
    p_shows TEXT,      -- a JSON array of showtime ids
    p_lock_keys TEXT,  -- a JSON array of their lock keys, sorted
    p_now_ms BIGINT,
    p_now TEXT,        -- RFC 3339, as central keeps times in text
    p_entries TEXT,
    p_single BOOLEAN   -- the batch is this one entry: no subtransaction
) RETURNS TEXT
LANGUAGE plpgsql AS $$
DECLARE
    e JSONB;
    v_outcome JSONB;
    failure TEXT;
    deferred TEXT[] := '{}';
    held_back BOOLEAN;
    answers JSONB := '[]';
BEGIN
    -- sql::pg::WRITER_LOCK, shared; then each showtime's lock
    -- (sql::scope::SHOWTIME_LOCK_CLASS and its key), in key order.
    PERFORM pg_advisory_xact_lock_shared(7093020289553033588);
    -- One statement takes them all, in the array's (key) order.
    PERFORM pg_advisory_xact_lock(1651472467, k::INTEGER)
    FROM json_array_elements_text(p_lock_keys::JSON) AS k;
    -- The expiry, for the showtimes with something due only.
    PERFORM boxoffice_expire_showtime(v_show, p_now_ms)
    FROM json_array_elements_text(p_shows::JSON) AS v_show
    WHERE EXISTS (SELECT 1 FROM holds h WHERE h.showtime_id = v_show AND h.expires_at <= p_now_ms)
       OR EXISTS (SELECT 1 FROM leases l WHERE l.showtime_id = v_show AND l.expires_at <= p_now_ms);
    FOR e IN SELECT value FROM jsonb_array_elements(p_entries::JSONB) LOOP
        failure := NULL;
        -- An entry is held back with the orders it names: its own, or one
        -- it refers to.
        held_back := false;
        IF cardinality(deferred) > 0 THEN
            held_back := EXISTS (SELECT 1 FROM unnest(deferred) o
                                 WHERE o = e->>'order' OR strpos(e->>'body', o) > 0);
        END IF;
        IF held_back THEN
            v_outcome := jsonb_build_object('outcome', 'deferred', 'code', 'order_deferred',
                'message', 'an earlier entry of this order was deferred');
        ELSIF p_single THEN
            -- The batch's only entry: a failure fails the call, which
            -- central answers as the entry's own `deferred`.
            v_outcome := boxoffice_push_sale(p_terminal, p_site, p_now_ms, p_now, e);
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

-- The seven-argument push of 0007, for an instance of the previous release
-- still running beside this one during an upgrade: the same, by this one.
CREATE OR REPLACE FUNCTION boxoffice_push_sales(
    p_terminal TEXT, p_site TEXT, p_shows TEXT, p_lock_keys TEXT,
    p_now_ms BIGINT, p_now TEXT, p_entries TEXT
) RETURNS TEXT
LANGUAGE sql AS $$
    SELECT boxoffice_push_sales(p_terminal, p_site, p_shows, p_lock_keys, p_now_ms, p_now, p_entries, false);
$$;
