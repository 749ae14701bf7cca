ALTER TABLE appointments DROP INDEX idx_appt_patient;
ALTER TABLE patients DROP COLUMN preferred_name;
