-- The sequencer (0005) reads its queue through the queue's primary key.
--
-- pending_seat_events is a queue: a row lives for milliseconds, and its dead
-- version stays in the table until autovacuum comes by (a minute apart at
-- best). The planner sees a table of a few live rows and scans it whole, so
-- under a steady stream of sales every run of the sequencer read every dead
-- row's page, holding the sequencer's lock: about 590 pages a run, 2 million
-- in a 15 s push load. Through the index the oldest entries come first, and
-- an entry found dead is marked so later runs step over it.
ALTER FUNCTION boxoffice_sequence_seat_events() SET enable_seqscan = off;
