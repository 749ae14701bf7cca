-- Stored programs as golang-migrate sends them: one statement, no DELIMITER.
-- PlanetScale does not run them; ddlbot reports each once and goes on.
CREATE PROCEDURE book_appointment(IN p_doctor BIGINT UNSIGNED, IN p_patient BIGINT UNSIGNED, IN p_at DATETIME)
BEGIN
  DECLARE busy INT DEFAULT 0;
  SELECT COUNT(*) INTO busy FROM appointments WHERE doctor_id = p_doctor AND starts_at = p_at;
  IF busy = 0 THEN
    INSERT INTO appointments (doctor_id, patient_id, starts_at) VALUES (p_doctor, p_patient, p_at);
  ELSE
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'slot taken; pick another';
  END IF;
END;
CREATE TRIGGER appointments_no_past BEFORE INSERT ON appointments FOR EACH ROW
BEGIN
  IF NEW.starts_at < '2000-01-01' THEN
    SET NEW.status = 'cancelled';
  END IF;
END;
