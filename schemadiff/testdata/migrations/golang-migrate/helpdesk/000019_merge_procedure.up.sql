CREATE PROCEDURE merge_tickets(IN p_from BIGINT UNSIGNED, IN p_into BIGINT UNSIGNED)
MODIFIES SQL DATA
BEGIN
  DECLARE v_tries INT DEFAULT 0;
  retry: REPEAT
    SET v_tries = v_tries + 1;
    BEGIN
      DECLARE CONTINUE HANDLER FOR 1213 SET v_tries = v_tries;
      UPDATE comments SET ticket_id = p_into WHERE ticket_id = p_from;
      UPDATE ticket_tags SET ticket_id = p_into WHERE ticket_id = p_from;
    END;
  UNTIL v_tries >= 3 OR ROW_COUNT() >= 0 END REPEAT retry;
  CASE
    WHEN p_from = p_into THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'cannot merge a ticket into itself';
    ELSE UPDATE tickets SET status = 'merged' WHERE id = p_from;
  END CASE;
END;
