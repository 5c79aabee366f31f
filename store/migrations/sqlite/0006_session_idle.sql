-- Sessions end after 30 days unused (model::SESSION_IDLE_DAYS), as well as 90 days after they
-- began: a phone lost or passed on does not stay signed in for months. When a session was last
-- used is kept to the day (Db::viewer refreshes it at most once a day).
ALTER TABLE sessions ADD COLUMN last_used_at_ms BIGINT NOT NULL DEFAULT 0;
-- Sessions already open count as used now: an upgrade signs nobody out.
UPDATE sessions SET last_used_at_ms = CAST(unixepoch('subsec') * 1000 AS INTEGER);
