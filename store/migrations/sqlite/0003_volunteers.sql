-- Volunteers, vetting and organisers' assignments: a member offers to volunteer on a board
-- (kinds of help, usual times, a weekly maximum, paused or not); an organiser or partner
-- records a vetting; a request can need a vetted volunteer; organisers ask a volunteer to
-- help with a request, and the volunteer accepts (becoming the one helping) or declines.

-- Requests only a volunteer with a current vetting may claim or be asked to help with.
ALTER TABLE posts ADD COLUMN needs_vetting BOOLEAN NOT NULL DEFAULT FALSE;

-- A member's offer to volunteer on one board. Their role on the board does not change: an
-- organiser may volunteer too. Leaving the board forgets it.
CREATE TABLE volunteers (
    board_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    -- Category names (`Category::as_str`), comma-separated.
    skills TEXT NOT NULL,
    -- Anything else, in their words.
    other_skills TEXT NOT NULL DEFAULT '',
    -- When they are usually free: bit (day * 3 + part of day), Monday morning = bit 0.
    availability BIGINT NOT NULL,
    max_per_week BIGINT NOT NULL,
    paused BOOLEAN NOT NULL DEFAULT FALSE,
    joined_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (board_id, user_id),
    FOREIGN KEY (board_id, user_id) REFERENCES memberships (board_id, user_id) ON DELETE CASCADE
);

-- Vetting (say, a DBS check) recorded by an organiser or partner. Its details are read by
-- organisers and by whoever recorded it; everyone else sees only a "Vetted" badge.
CREATE TABLE vettings (
    -- Made by the recorder's browser (UUIDv7).
    id TEXT PRIMARY KEY,
    board_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES users (id),
    recorded_at_ms BIGINT NOT NULL,
    -- Current until then; NULL: no expiry.
    expires_at_ms BIGINT,
    FOREIGN KEY (board_id, user_id) REFERENCES memberships (board_id, user_id) ON DELETE CASCADE
);
CREATE INDEX vettings_by_member ON vettings (board_id, user_id);
CREATE INDEX vettings_by_user ON vettings (user_id);

-- An organiser asking a volunteer to help with a request, and the answer.
CREATE TABLE assignments (
    -- The id of the mutation that asked.
    id TEXT PRIMARY KEY,
    post_id TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    board_id TEXT NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    volunteer_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    assigned_by TEXT NOT NULL REFERENCES users (id),
    assigned_at_ms BIGINT NOT NULL,
    -- NULL while waiting; then accepted, declined, or overtaken (someone else took the
    -- request on, or an organiser asked someone else).
    answer TEXT,
    answered_at_ms BIGINT
);
CREATE INDEX assignments_by_post ON assignments (post_id, assigned_at_ms);
CREATE INDEX assignments_by_volunteer ON assignments (volunteer_id, answer);
