-- Showtimes central cancelled: shown as cancelled, never sold.
ALTER TABLE showtimes ADD COLUMN cancelled INTEGER NOT NULL DEFAULT 0;
