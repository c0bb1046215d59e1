-- One row per Disconnect-Request or CoA-Request sent to a NAS (RFC 5176), with
-- what came of it after every retransmission: what `diagnose` shows when a
-- member says "I was cut off" or "I am still online after the suspension".
-- No foreign keys: the log outlives deleted members and removed NAS.
CREATE TABLE disconnect_log (
  id              bigserial PRIMARY KEY,
  time            timestamptz NOT NULL DEFAULT now(),
  username        text NOT NULL,
  nas             text NOT NULL,
  -- Our Acct-Unique-Session-Id and the NAS's Acct-Session-Id of the session aimed at.
  unique_id       text,
  acct_session_id text,
  kind            text NOT NULL CONSTRAINT disconnect_log_kind_check CHECK (kind IN ('disconnect', 'coa')),
  -- ack / nak: the NAS answered (RFC 5176 §2.1); timeout: no valid answer after
  -- every retransmission; error: nothing could be sent (unknown NAS, no address, socket error).
  outcome         text NOT NULL CONSTRAINT disconnect_log_outcome_check CHECK (outcome IN ('ack', 'nak', 'timeout', 'error')),
  -- Error-Cause from a NAK (RFC 5176 §3.5), e.g. 503 Session-Context-Not-Found.
  error_cause     integer,
  attempts        integer NOT NULL DEFAULT 0,
  ms              integer NOT NULL DEFAULT 0,
  -- Who asked: --by or the OS user, or a job name ('dues-job').
  actor           text NOT NULL,
  reason          text,
  -- Why it could not be sent, in words (outcome 'error'), or a warning.
  detail          text
);

-- `diagnose <username>`: the latest attempts of one member.
CREATE INDEX disconnect_log_username_time_idx ON disconnect_log (username, time DESC);
-- Retention: delete everything older than a date.
CREATE INDEX disconnect_log_time_idx ON disconnect_log (time);
