-- The authentication log takes one row per Access-Request: during a mass
-- reconnect, tens of thousands a second, on the same machine that answers
-- them. A B-tree on (username, time) takes a random leaf per row and was
-- half of PostgreSQL's cost per row; a hash index answers the only lookup by
-- name (`diagnose`: equality, then the newest few of that member's rows) at
-- about half that cost. Rows arrive in time order, so a BRIN range index
-- serves deletes and reads by date for almost nothing.
DROP INDEX IF EXISTS auth_log_username_time_idx;
CREATE INDEX auth_log_username_idx ON auth_log USING hash (username);
DROP INDEX IF EXISTS auth_log_time_idx;
CREATE INDEX auth_log_time_brin ON auth_log USING brin (time);
