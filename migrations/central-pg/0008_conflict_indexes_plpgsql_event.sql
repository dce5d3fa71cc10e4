-- Conflict tasks found by their order (every pushed sale asks whether its
-- order has an open one; a refund reads its task) and by terminal (a site's
-- list). Without them each push read the whole table, which only grows.
CREATE INDEX conflicts_by_order ON conflicts(order_id);
CREATE INDEX conflicts_by_terminal ON conflicts(terminal_id);

-- The seat event of 0007 in PL/pgSQL: a SQL-language function called from
-- PL/pgSQL is parsed and planned again at every call (PostgreSQL 15), while
-- PL/pgSQL keeps its statement's plan for the session. Same arguments, same
-- effect.
CREATE OR REPLACE FUNCTION boxoffice_seat_event(p_show TEXT, p_seat TEXT, p_state TEXT, p_owner TEXT, p_at BIGINT)
RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO pending_seat_events (site_id, showtime_id, seat_label, state, owner, at)
    SELECT site_id, id, p_seat, p_state, p_owner, p_at FROM showtimes WHERE id = p_show;
END
$$;
