-- What each NAS (or unknown source address) sent in each minute, and what
-- came of it: answered, dropped by reason, refused by reason, not answered.
-- Every daemon adds its own counts to the same rows (an upsert of deltas about
-- every 10 s), so `nas diagnose` sees the whole server however many daemons
-- or workers run. Rows older than a day are deleted by the daemons.
CREATE TABLE nas_activity (
  -- 'nas': source is a NAS name; 'address': a source address that matches no NAS.
  source_kind text NOT NULL CONSTRAINT nas_activity_kind_check CHECK (source_kind IN ('nas', 'address')),
  source      text NOT NULL,
  minute      timestamptz NOT NULL,
  -- 'answered', 'unanswered', a drop reason (protocol/drop-reasons.ts), or
  -- 'reject:<reason>' for an answered Access-Request that was refused. No
  -- check: a new reason must never make a flush fail.
  outcome     text NOT NULL,
  count       bigint NOT NULL,
  last_at     timestamptz NOT NULL,
  PRIMARY KEY (source_kind, source, minute, outcome)
);

-- Pruning by age.
CREATE INDEX nas_activity_minute_idx ON nas_activity (minute);
