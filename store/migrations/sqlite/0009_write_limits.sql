-- Writes are limited per member per minute (store::MAX_WRITES_PER_MINUTE), counted from the
-- record of writes: this index makes the count one short range scan.
CREATE INDEX mutations_by_user ON mutations (user_id, applied_at_ms);
