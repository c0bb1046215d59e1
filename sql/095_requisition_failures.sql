-- A lookup that read the register but could not answer (rows sealed with a
-- key other than the configured one) is a requisition too: it is recorded
-- with an empty result and the error code, so the register and the yearly
-- report miss none. NULL: the lookup was answered.
ALTER TABLE requisition_log ADD COLUMN failure text
  CONSTRAINT requisition_log_failure_check CHECK (failure IS NULL OR failure ~ '^[A-Z][A-Z_]*$');
