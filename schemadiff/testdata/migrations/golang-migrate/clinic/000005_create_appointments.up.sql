CREATE TABLE appointments (
  id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  doctor_id bigint unsigned NOT NULL,
  patient_id bigint unsigned NOT NULL,
  starts_at datetime NOT NULL,
  minutes int2 NOT NULL DEFAULT 15 CHECK (minutes > 0),
  status enum('booked','done','cancelled') CHARACTER SET latin1 NOT NULL DEFAULT 'booked',
  CONSTRAINT fk_appt_doctor FOREIGN KEY (doctor_id) REFERENCES doctors (id),
  CONSTRAINT fk_appt_patient FOREIGN KEY (patient_id) REFERENCES patients (id),
  KEY idx_appt_start (starts_at)
);
