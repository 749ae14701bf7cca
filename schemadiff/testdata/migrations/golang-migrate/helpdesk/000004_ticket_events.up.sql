-- Every status change is kept for the SLA reports.
CREATE TABLE ticket_events (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  ticket_id bigint unsigned NOT NULL,
  old_status varchar(16) DEFAULT NULL,
  new_status varchar(16) NOT NULL,
  changed_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  KEY idx_ticket_events_ticket (ticket_id, changed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TRIGGER trg_tickets_status AFTER UPDATE ON tickets
FOR EACH ROW
BEGIN
  IF NOT (OLD.status <=> NEW.status) THEN
    INSERT INTO ticket_events (ticket_id, old_status, new_status) VALUES (NEW.id, OLD.status, NEW.status);
  END IF;
END;
