-- What each name looks like (model::names::likeness), so that sign-up can refuse a name made
-- to look like someone's, and a board can mark members whose names look alike. SQL cannot
-- normalise Unicode, so the server fills it: at sign-up, and at start-up for accounts made
-- before (store/src/schema.rs, which also keys older names the new way, model::names::name_key).
ALTER TABLE users ADD COLUMN name_likeness TEXT NOT NULL DEFAULT '';
CREATE INDEX users_by_name_likeness ON users (name_likeness);
