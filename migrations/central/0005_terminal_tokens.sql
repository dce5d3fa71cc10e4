-- Per-terminal credentials: the SHA-256 (hex) of a random bearer token IT
-- hands to the terminal at provisioning. A terminal with a token must send it
-- on every call; one without is accepted only by a demo/dev central.
ALTER TABLE terminals ADD COLUMN token_hash TEXT;
