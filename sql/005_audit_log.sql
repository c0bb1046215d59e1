-- Who changed what, from the CLI or a job. before/after never hold secrets
-- (passwords, hashes, shared secrets): src/db/audit.ts redacts them.
CREATE TABLE audit_log (
  id     bigserial PRIMARY KEY,
  time   timestamptz NOT NULL DEFAULT now(),
  actor  text NOT NULL,
  action text NOT NULL,
  target text NOT NULL,
  before jsonb,
  after  jsonb
);

CREATE INDEX audit_log_target_time_idx ON audit_log (target, time DESC);
