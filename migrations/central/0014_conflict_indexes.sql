-- Conflict tasks found by their order (every pushed sale asks whether its
-- order has an open one; a refund reads its task) and by terminal (a site's
-- list). Without them each push read the whole table, which only grows.
CREATE INDEX conflicts_by_order ON conflicts(order_id);
CREATE INDEX conflicts_by_terminal ON conflicts(terminal_id);
