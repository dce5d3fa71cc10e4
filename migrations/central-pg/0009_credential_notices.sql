-- Tells every instance that credentials changed (credential_cache.rs): a
-- terminal's token, id or site set or cleared (provisioning, enrolment, a
-- revocation), a terminal removed, a web channel added again, rotated,
-- revoked or removed. Each instance then forgets the rows it kept. Changes
-- to other columns (the order count a push raises, the update ring) say
-- nothing: they do not touch who a caller is.
CREATE FUNCTION boxoffice_credentials_changed() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('boxoffice_credentials', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER terminals_credentials_changed
    AFTER UPDATE OF id, token_hash, site_id OR DELETE OR TRUNCATE ON terminals
    FOR EACH STATEMENT EXECUTE FUNCTION boxoffice_credentials_changed();

CREATE TRIGGER web_channels_credentials_changed
    AFTER UPDATE OR DELETE OR TRUNCATE ON web_channels
    FOR EACH STATEMENT EXECUTE FUNCTION boxoffice_credentials_changed();
