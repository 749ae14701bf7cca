CREATE TRIGGER trg_comments_count AFTER INSERT ON comments FOR EACH ROW UPDATE tickets SET comment_count = comment_count + 1 WHERE id = NEW.ticket_id;

CREATE TRIGGER trg_comments_uncount AFTER DELETE ON comments FOR EACH ROW
  UPDATE tickets SET comment_count = GREATEST(comment_count - 1, 0) WHERE id = OLD.ticket_id;
