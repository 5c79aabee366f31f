-- Live updates: nothing to store. SQLite serves one process, whose `Db` announces each change
-- after it commits (server/store/src/live.rs); PostgreSQL notifies through a trigger instead
-- (postgres/0005_live.sql). Kept so both databases number their migrations alike.
SELECT 1;
