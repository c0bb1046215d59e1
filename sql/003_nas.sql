-- NAS clients: equipment allowed to talk to us, identified by source address.
CREATE TABLE nas (
  name                          text PRIMARY KEY CONSTRAINT nas_name_check CHECK (name <> ''),
  address                       cidr NOT NULL,
  -- The RADIUS shared secret: needed in clear to sign and check packets.
  secret                        text NOT NULL CONSTRAINT nas_secret_check CHECK (secret <> ''),
  coa_port                      integer NOT NULL DEFAULT 3799 CONSTRAINT nas_coa_port_check CHECK (coa_port BETWEEN 1 AND 65535),
  require_message_authenticator boolean NOT NULL DEFAULT true,
  disconnect_profile            text NOT NULL DEFAULT 'generic' CONSTRAINT nas_disconnect_profile_check
                                  CHECK (disconnect_profile IN ('generic', 'mikrotik', 'cisco', 'juniper', 'accel-ppp')),
  supports_coa                  boolean NOT NULL DEFAULT false,
  created_at                    timestamptz NOT NULL DEFAULT now(),
  -- A source address must name exactly one NAS (and so one shared secret):
  -- no two NAS blocks may overlap. inet_ops is a built-in GiST operator class.
  CONSTRAINT nas_address_excl EXCLUDE USING gist (address inet_ops WITH &&)
);
