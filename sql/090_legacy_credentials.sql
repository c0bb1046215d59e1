-- Members moved in from FreeRADIUS (radassoc import freeradius): a password
-- kept only as one of FreeRADIUS's hashes (SSHA, MD5, crypt(3), ...), which
-- PAP checks as rlm_pap did (src/auth/legacy-credential-text.ts gives the
-- form), and reply attributes of the member's own, sent after its plan's,
-- for what FreeRADIUS replied that no one plan holds.
ALTER TABLE members ADD COLUMN legacy_hash text
  CONSTRAINT members_legacy_hash_check CHECK (legacy_hash ~ '^(digest|salted|crypt|pbkdf2)\$');
ALTER TABLE members ADD COLUMN reply_attributes jsonb
  CONSTRAINT members_reply_attributes_check CHECK (jsonb_typeof(reply_attributes) = 'array');

