-- Terminals learn central's API version from the catalog (API 1.2). Forget the
-- catalog cursor once, so the next sync pulls the whole catalog (and with it
-- the version) even when central's catalog did not change since the last pull.
DELETE FROM config WHERE key = 'catalog_version';
