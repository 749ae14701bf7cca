CREATE EVENT ev_close_stale_tickets
ON SCHEDULE EVERY 1 DAY
DO
BEGIN
  UPDATE tickets SET status = 'closed' WHERE status = 'pending' AND updated_at < NOW() - INTERVAL 30 DAY;
END;
