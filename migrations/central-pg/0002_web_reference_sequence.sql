-- Web order references count through a sequence on PostgreSQL: every web
-- sale used to update the one `reference_counters` row, so web sales on
-- any showtime waited for each other's commit. A sequence hands out numbers
-- without a row lock (a rolled-back sale skips one, which a permuted
-- reference does not mind). It starts where the counter row stands.
CREATE SEQUENCE web_reference_seq AS BIGINT MINVALUE 0 START WITH 0;
SELECT setval('web_reference_seq',
              (SELECT next FROM reference_counters WHERE channel = 'web'),
              false);
