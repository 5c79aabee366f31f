-- Live updates across server processes: whenever a board's change sequence moves, notify
-- 'board_changed' with '<board id>:<seq>'. NOTIFY belongs to the transaction, so listeners
-- hear of the change when it commits and never of one rolled back; as a trigger it covers
-- every code path that changes a board.
CREATE FUNCTION notify_board_changed() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('board_changed', NEW.id || ':' || NEW.last_seq);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER boards_notify_changed
    AFTER UPDATE OF last_seq ON boards
    FOR EACH ROW
    WHEN (NEW.last_seq IS DISTINCT FROM OLD.last_seq)
    EXECUTE FUNCTION notify_board_changed();
