-- One row describing this Streetboard installation: when its database was created.
-- Later migrations add the board's own tables.
CREATE TABLE instance (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    created_at_ms BIGINT NOT NULL
);
INSERT INTO instance (id, created_at_ms) VALUES (1, (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT);
