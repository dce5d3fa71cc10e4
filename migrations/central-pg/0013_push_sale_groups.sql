-- A group of counters' pushes of one sale each, from any terminals and
-- sites, in one transaction (push_groups.rs: pushes that arrive while the
-- instance's database calls are busy wait and go together). The locks of a
-- write scoped to every showtime of the group (p_lock_keys: their
-- sql::scope::lock_key, sorted, so groups and pushes never wait on each
-- other in a circle), the expiry of their holds and leases that ran out,
-- then each push as 0011's batch of one applies it, at its own time. No
-- subtransaction: a failure fails the whole group, and central then applies
-- each push alone (0011), where a failure is that push's own `deferred`.
-- Answers each push's outcome, in order.
CREATE FUNCTION boxoffice_push_sale_group(
    p_lock_keys TEXT,  -- a JSON array of lock keys, sorted
    p_shows TEXT,      -- a JSON array of every showtime of the group
    p_now_ms BIGINT,   -- the latest push's time: the expiry runs at it
    p_pushes TEXT      -- a JSON array of {terminal, site, now_ms, now, entry}
) RETURNS TEXT
LANGUAGE plpgsql AS $$
DECLARE
    p JSONB;
    answers JSONB := '[]';
BEGIN
    -- sql::pg::WRITER_LOCK, shared; then each showtime's lock
    -- (sql::scope::SHOWTIME_LOCK_CLASS and its key), in key order.
    PERFORM pg_advisory_xact_lock_shared(7093020289553033588);
    PERFORM pg_advisory_xact_lock(1651472467, k::INTEGER)
    FROM json_array_elements_text(p_lock_keys::JSON) AS k;
    PERFORM boxoffice_expire_showtime(v_show, p_now_ms)
    FROM json_array_elements_text(p_shows::JSON) AS v_show
    WHERE EXISTS (SELECT 1 FROM holds h WHERE h.showtime_id = v_show AND h.expires_at <= p_now_ms)
       OR EXISTS (SELECT 1 FROM leases l WHERE l.showtime_id = v_show AND l.expires_at <= p_now_ms);
    FOR p IN SELECT value FROM jsonb_array_elements(p_pushes::JSONB) LOOP
        answers := answers || jsonb_build_array(boxoffice_push_sale(
            p->>'terminal', p->>'site', (p->>'now_ms')::BIGINT, p->>'now', p->'entry'));
    END LOOP;
    RETURN answers::TEXT;
END
$$;
