-- Members: one row per subscriber. The username is case-sensitive, exactly as the NAS sends it.
CREATE TABLE members (
  id               bigserial PRIMARY KEY,
  username         text NOT NULL CONSTRAINT members_username_key UNIQUE
                     CONSTRAINT members_username_check CHECK (username <> ''),
  -- What is kept of the password depends on auth_methods (see src/domain/member.ts).
  cleartext        text,
  nt_hash          bytea CONSTRAINT members_nt_hash_check CHECK (octet_length(nt_hash) = 16),
  strong_hash      text,
  auth_methods     text[] NOT NULL CONSTRAINT members_auth_methods_check
                     CHECK (cardinality(auth_methods) > 0 AND auth_methods <@ ARRAY['pap', 'chap', 'mschapv1', 'mschapv2']),
  status           text NOT NULL DEFAULT 'active' CONSTRAINT members_status_check CHECK (status IN ('active', 'suspended')),
  suspended_reason text,
  suspended_at     timestamptz,
  plan             text CONSTRAINT members_plan_fkey REFERENCES plans (name) ON UPDATE CASCADE,
  ipv4             inet CONSTRAINT members_ipv4_check CHECK (family(ipv4) = 4 AND masklen(ipv4) = 32),
  ipv6_prefix      cidr CONSTRAINT members_ipv6_prefix_check CHECK (family(ipv6_prefix) = 6),
  max_sessions     integer CONSTRAINT members_max_sessions_check CHECK (max_sessions > 0),
  paid_until       date,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Two members cannot share a static address (Framed-IP-Address).
CREATE UNIQUE INDEX members_ipv4_key ON members (ipv4) WHERE ipv4 IS NOT NULL;
-- "is this plan in use?" and ON UPDATE CASCADE of a plan rename.
CREATE INDEX members_plan_idx ON members (plan) WHERE plan IS NOT NULL;
-- The lapsed-dues job: members whose paid_until is before a date.
CREATE INDEX members_paid_until_idx ON members (paid_until) WHERE paid_until IS NOT NULL;

CREATE TRIGGER members_touch BEFORE UPDATE ON members
  FOR EACH ROW EXECUTE FUNCTION radassoc_touch_updated_at();
