CREATE TABLE patients (
  id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email varchar(190) NOT NULL,
  phone varchar(20) BINARY,
  born_year year(4),
  weight_kg numeric(5,1),
  is_minor boolean DEFAULT '0',
  UNIQUE KEY uk_patient_email (email)
) DEFAULT CHARSET=utf8mb4;
