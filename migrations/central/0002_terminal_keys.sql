-- Ed25519 public keys terminals sign door QR codes with. One key per terminal:
-- the first registration wins; rotating a key is a provisioning task for IT.
CREATE TABLE terminal_keys (
    terminal_id TEXT PRIMARY KEY REFERENCES terminals(id),
    public_key TEXT NOT NULL, -- 32 bytes, base64url without padding
    registered_at TEXT NOT NULL
) STRICT;
