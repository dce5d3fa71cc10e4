-- A site's logo, printed at the top of its tickets (PNG).
ALTER TABLE sites ADD COLUMN logo_png BLOB;
