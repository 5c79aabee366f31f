-- The street board: people, sessions, boards, memberships, posts, replies, and the record of
-- applied mutations that makes every write exactly-once. Ids of what people create are made
-- by their browser (UUIDv7 text); times are milliseconds since the Unix epoch.

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    -- Lower-cased, trimmed display name: the sign-in name, unique.
    name_key TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    created_at_ms BIGINT NOT NULL
);

CREATE TABLE sessions (
    -- SHA-256 of the cookie's token: a stolen database does not hold usable sessions.
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Failed sign-ins, per account ("name:…") and per address ("addr:…"), for rate limiting
-- that holds across server processes.
CREATE TABLE sign_in_failures (
    -- One sign-in attempt (recorded under both of its keys).
    attempt_id TEXT NOT NULL,
    limit_key TEXT NOT NULL,
    at_ms BIGINT NOT NULL
);
CREATE INDEX sign_in_failures_by_key ON sign_in_failures (limit_key, at_ms);

CREATE TABLE boards (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    -- Street names, one per line.
    streets TEXT NOT NULL,
    invite_code TEXT NOT NULL UNIQUE,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at_ms BIGINT NOT NULL,
    -- The board's change sequence: bumped in the same transaction as every change, so
    -- changes commit in sequence order per board.
    last_seq BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE memberships (
    board_id TEXT NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    -- Public: the street shown on the member's posts.
    street TEXT NOT NULL,
    -- Private: shown only to the helper of an active claim.
    house_number TEXT NOT NULL DEFAULT '',
    joined_at_ms BIGINT NOT NULL,
    PRIMARY KEY (board_id, user_id)
);
CREATE INDEX memberships_by_user ON memberships (user_id);

CREATE TABLE posts (
    id TEXT PRIMARY KEY,
    board_id TEXT NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    author_id TEXT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    category TEXT NOT NULL,
    title TEXT NOT NULL,
    details TEXT NOT NULL,
    urgency TEXT NOT NULL,
    street TEXT NOT NULL,
    status TEXT NOT NULL,
    pinned BOOLEAN NOT NULL DEFAULT FALSE,
    removed BOOLEAN NOT NULL DEFAULT FALSE,
    -- Requests: the neighbour helping. Offers: the neighbour taking the offer up.
    claimed_by TEXT REFERENCES users (id),
    claimed_at_ms BIGINT,
    done_at_ms BIGINT,
    expires_at_ms BIGINT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    seq BIGINT NOT NULL
);
CREATE INDEX posts_by_board ON posts (board_id, created_at_ms);
CREATE INDEX posts_by_board_seq ON posts (board_id, seq);
CREATE INDEX posts_by_author ON posts (author_id);
CREATE INDEX posts_by_claimant ON posts (claimed_by);

CREATE TABLE replies (
    id TEXT PRIMARY KEY,
    post_id TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    board_id TEXT NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    author_id TEXT NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    seq BIGINT NOT NULL
);
CREATE INDEX replies_by_post ON replies (post_id, created_at_ms);

-- Every mutation applied or rejected, by its client-made id: a repeat returns this outcome
-- and changes nothing.
CREATE TABLE mutations (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    -- JSON of the outcome: {"outcome":"applied"} or {"outcome":"rejected","reason":"…"}.
    outcome TEXT NOT NULL,
    applied_at_ms BIGINT NOT NULL
);
