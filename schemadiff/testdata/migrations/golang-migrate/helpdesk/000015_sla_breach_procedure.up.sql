CREATE PROCEDURE sla_breaches(IN p_account BIGINT UNSIGNED, OUT p_count INT)
READS SQL DATA
COMMENT 'Tickets past their resolution time; END; in a comment string is fine'
BEGIN
  DECLARE done INT DEFAULT FALSE;
  DECLARE v_id BIGINT UNSIGNED;
  DECLARE cur CURSOR FOR
    SELECT t.id FROM tickets t
      JOIN sla_policies s ON s.account_id = t.account_id AND s.priority = t.priority
     WHERE t.account_id = p_account AND t.status <> 'closed'
       AND TIMESTAMPDIFF(MINUTE, t.created_at, NOW()) > s.resolution_minutes;
  DECLARE CONTINUE HANDLER FOR NOT FOUND SET done = TRUE;
  SET p_count = 0;
  OPEN cur;
  read_loop: LOOP
    FETCH cur INTO v_id;
    IF done THEN
      LEAVE read_loop;
    END IF;
    SET p_count = p_count + 1;
  END LOOP;
  CLOSE cur;
END;
