-- Public keys of the site's terminals, pulled from central, to verify door QR codes offline.
CREATE TABLE terminal_keys (
    terminal_id TEXT PRIMARY KEY,
    public_key TEXT NOT NULL -- Ed25519, base64url without padding
) STRICT;
