-- The site's logo from the catalog, printed at the top of tickets (PNG).
ALTER TABLE site ADD COLUMN logo_png BLOB;
