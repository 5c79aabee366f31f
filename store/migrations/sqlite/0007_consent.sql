-- Contact details reach a helper only when the person whose details they are agrees
-- (issue 11): a requester accepts the helper, or says beforehand "share my details with whoever
-- takes this on"; someone taking up an offer shares theirs with the one offering.
-- share_details: a request's author agreed beforehand.
ALTER TABLE posts ADD COLUMN share_details BOOLEAN NOT NULL DEFAULT FALSE;
-- details_shared: the current claim's details have been agreed to. Reset when the claim ends.
ALTER TABLE posts ADD COLUMN details_shared BOOLEAN NOT NULL DEFAULT FALSE;
-- handed_back_by: the helper who last handed the post back, so its author is told. Cleared by
-- the next claim.
ALTER TABLE posts ADD COLUMN handed_back_by TEXT REFERENCES users (id) ON DELETE SET NULL;
-- Claims made before this rule already showed the details: what was seen cannot be unseen, and
-- help under way is not cut off by an upgrade.
UPDATE posts SET details_shared = TRUE WHERE status = 'claimed';
-- Claims and hand-backs are counted per person per day (the audit log records both).
CREATE INDEX audit_log_by_actor ON audit_log (actor_id, at_ms);
