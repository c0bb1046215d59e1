-- Plans: named sets of RADIUS reply attributes, sent in every Access-Accept of their members.

-- Shared by every table with an updated_at column.
CREATE FUNCTION radassoc_touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;

CREATE TABLE plans (
  name       text PRIMARY KEY CONSTRAINT plans_name_check CHECK (name <> ''),
  -- [{"name": "Session-Timeout", "value": "86400"}, ...] in the order the admin gave them
  attributes jsonb NOT NULL DEFAULT '[]'::jsonb CONSTRAINT plans_attributes_check CHECK (jsonb_typeof(attributes) = 'array'),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER plans_touch BEFORE UPDATE ON plans
  FOR EACH ROW EXECUTE FUNCTION radassoc_touch_updated_at();
