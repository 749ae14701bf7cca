-- Views as people write them; the server stores them rewritten.
CREATE VIEW doctor_directory AS
  SELECT d.id, CONCAT(d.full_name, ' (', c.name, ')') AS listing, c.code
  FROM (doctors d JOIN clinics c ON c.id = d.clinic_id);
CREATE VIEW walk_in_directory AS SELECT * FROM doctor_directory WHERE code <> '';
