DROP TRIGGER trg_tickets_status;
DROP TABLE ticket_events;
