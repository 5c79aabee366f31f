-- Moderation: members report posts; organisers hide and restore posts, dismiss reports and
-- remove members; every organiser action is written to the board's audit log in the same
-- transaction as the action itself.

-- Hidden posts stay in the database (they can be restored) but only organisers see them;
-- everyone else gets a tombstone when they pull.
ALTER TABLE posts ADD COLUMN hidden BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE reports (
    -- Made by the reporter's browser (UUIDv7).
    id TEXT PRIMARY KEY,
    board_id TEXT NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    post_id TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    -- Shown to organisers only, and never to an organiser who wrote the reported post.
    reporter_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- One of the fixed reasons (`ReportReason`), plus what the reporter added.
    reason TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    -- open; dismissed (an organiser saw nothing to do); actioned (the post was hidden or removed).
    status TEXT NOT NULL DEFAULT 'open',
    created_at_ms BIGINT NOT NULL,
    resolved_by TEXT REFERENCES users (id),
    resolved_at_ms BIGINT
);
-- One open report per member per post.
CREATE UNIQUE INDEX reports_one_open_per_member ON reports (post_id, reporter_id) WHERE status = 'open';
CREATE INDEX reports_by_board ON reports (board_id, status, created_at_ms);

-- Members an organiser removed: they cannot join again, by any invite link, until an
-- organiser lets them back.
CREATE TABLE board_removals (
    board_id TEXT NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    removed_by TEXT NOT NULL REFERENCES users (id),
    reason TEXT NOT NULL DEFAULT '',
    removed_at_ms BIGINT NOT NULL,
    PRIMARY KEY (board_id, user_id)
);

-- Every organiser action: who, what, which post or member, when, why.
CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    board_id TEXT NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    actor_id TEXT NOT NULL REFERENCES users (id),
    action TEXT NOT NULL,
    post_id TEXT REFERENCES posts (id),
    member_id TEXT REFERENCES users (id),
    reason TEXT NOT NULL DEFAULT '',
    at_ms BIGINT NOT NULL
);
CREATE INDEX audit_log_by_board ON audit_log (board_id, at_ms);
