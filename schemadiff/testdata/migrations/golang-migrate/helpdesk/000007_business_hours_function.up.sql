CREATE FUNCTION business_minutes(start_at DATETIME, end_at DATETIME) RETURNS int
DETERMINISTIC
BEGIN
  DECLARE total INT DEFAULT 0;
  DECLARE cursor_at DATETIME;
  SET cursor_at = start_at;
  minutes_loop: WHILE cursor_at < end_at DO
    IF WEEKDAY(cursor_at) < 5 AND HOUR(cursor_at) BETWEEN 9 AND 16 THEN
      SET total = total + 1;
    END IF;
    SET cursor_at = cursor_at + INTERVAL 1 MINUTE;
    IF total > 100000 THEN
      LEAVE minutes_loop;
    END IF;
  END WHILE minutes_loop;
  RETURN total;
END;
