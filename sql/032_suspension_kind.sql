-- Who suspended a member decides what lifts the suspension: 'dues' (the dues
-- job; a new paid-until resumes it) or 'manual' (an admin; only `member
-- resume` does). The reason stays free text for people and is never read to
-- decide. NULL while the member is active.
ALTER TABLE members ADD COLUMN suspension_kind text
  CONSTRAINT members_suspension_kind_check CHECK (suspension_kind IN ('manual', 'dues'));

-- Existing suspensions: a dues suspension is one the dues job wrote (its
-- audit actor is 'dues-job', src/jobs/dues.ts) with its reason 'dues lapsed';
-- the latest member.suspend entry is the one that set the current reason.
-- Anything else, including 'dues lapsed' typed by an admin, is manual.
UPDATE members m SET suspension_kind = CASE
    WHEN m.suspended_reason = 'dues lapsed' AND (
      SELECT a.actor FROM audit_log a
      WHERE a.target = 'member:' || m.username AND a.action = 'member.suspend'
      ORDER BY a.time DESC, a.id DESC LIMIT 1
    ) = 'dues-job' THEN 'dues'
    ELSE 'manual'
  END
WHERE m.status = 'suspended';
