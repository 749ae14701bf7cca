-- Idempotent migrations: the change runs only where it is missing.
SET @s = IF((SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'patients' AND column_name = 'preferred_name') = 0,
  'ALTER TABLE patients ADD COLUMN preferred_name varchar(60) NULL',
  'SELECT 1');
PREPARE st FROM @s;
EXECUTE st;
DEALLOCATE PREPARE st;
SET @s = IF((SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 'appointments' AND index_name = 'idx_appt_patient') > 0,
  'SELECT 1',
  'CREATE INDEX idx_appt_patient ON appointments (patient_id, starts_at)');
PREPARE st FROM @s;
EXECUTE st;
DEALLOCATE PREPARE st;
