DROP PROCEDURE assign_ticket;
