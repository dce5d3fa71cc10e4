-- A cancelled showtime stays in the catalog (tickets already sold must be
-- refunded or exchanged) but sells nothing more.
ALTER TABLE showtimes ADD COLUMN cancelled INTEGER NOT NULL DEFAULT 0;
