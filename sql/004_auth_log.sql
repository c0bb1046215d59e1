-- One row per Access-Request decision, written in batches off the hot path.
-- No foreign keys: the log outlives deleted members and removed NAS, and a
-- check on method/reason would turn a new enum value into a lost batch.
CREATE TABLE auth_log (
  id                 bigserial PRIMARY KEY,
  time               timestamptz NOT NULL DEFAULT now(),
  username           text NOT NULL,
  nas                text NOT NULL,
  method             text NOT NULL,
  result             text NOT NULL,
  reason             text,
  calling_station_id text,
  -- The Class sent in the Access-Accept: accounting records echo it (RFC 2865 §5.25).
  class_id           text
);

-- `diagnose <username>`: the latest attempts of one member.
CREATE INDEX auth_log_username_time_idx ON auth_log (username, time DESC);
-- Retention: delete everything older than a date.
CREATE INDEX auth_log_time_idx ON auth_log (time);
