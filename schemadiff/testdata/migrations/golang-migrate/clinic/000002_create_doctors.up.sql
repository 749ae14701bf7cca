CREATE TABLE doctors (
  id serial,
  clinic_id int4 NOT NULL,
  licence char(10) CHARACTER SET 'ascii' COLLATE 'ascii_bin' NOT NULL UNIQUE KEY,
  full_name varchar(100) CHARACTER SET 'utf8mb4' NOT NULL,
  legacy_name varchar(100) CHARSET latin1 COLLATE latin1_swedish_ci,
  fee dec(8,2) NOT NULL DEFAULT 0,
  rating fixed(3,1),
  years_active int1 NOT NULL DEFAULT 0 CHECK (years_active >= 0),
  KEY idx_doctor_name (full_name(100))
);
