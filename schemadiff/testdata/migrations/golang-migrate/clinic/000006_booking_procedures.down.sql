DROP TRIGGER appointments_no_past;
DROP PROCEDURE book_appointment;
