/* Round-robin assignment: the agent with the fewest open tickets gets the next one. */
CREATE PROCEDURE assign_ticket(IN p_ticket BIGINT UNSIGNED)
BEGIN
  DECLARE v_account BIGINT UNSIGNED;
  DECLARE v_agent BIGINT UNSIGNED DEFAULT NULL;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    ROLLBACK;
    RESIGNAL;
  END;
  START TRANSACTION;
  SELECT account_id INTO v_account FROM tickets WHERE id = p_ticket FOR UPDATE;
  SELECT a.id INTO v_agent
    FROM agents a
    LEFT JOIN tickets t ON t.assignee_id = a.id AND t.status = 'open'
   WHERE a.account_id = v_account AND a.active = 1
   GROUP BY a.id
   ORDER BY COUNT(t.id), a.id
   LIMIT 1;
  IF v_agent IS NULL THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'no active agent; ticket stays unassigned';
  END IF;
  UPDATE tickets SET assignee_id = v_agent WHERE id = p_ticket;
  COMMIT;
END;
