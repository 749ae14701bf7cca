CREATE TRIGGER trg_tickets_due BEFORE INSERT ON tickets
FOR EACH ROW
BEGIN
  IF NEW.due_at IS NULL THEN
    SET NEW.due_at = CASE NEW.priority
      WHEN 1 THEN NEW.created_at + INTERVAL 4 HOUR
      WHEN 2 THEN NEW.created_at + INTERVAL 1 DAY
      ELSE NEW.created_at + INTERVAL 3 DAY
    END;
  END IF;
END;
