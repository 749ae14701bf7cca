-- Doctors belong to a clinic and a clinic has a head doctor: a foreign-key
-- cycle, added after both tables exist as a migration tool would.
ALTER TABLE clinics ADD COLUMN head_doctor_id bigint unsigned NULL;
ALTER TABLE doctors MODIFY clinic_id int NOT NULL;
ALTER TABLE doctors ADD CONSTRAINT fk_doctor_clinic FOREIGN KEY (clinic_id) REFERENCES clinics (id);
ALTER TABLE clinics ADD CONSTRAINT fk_clinic_head FOREIGN KEY (head_doctor_id) REFERENCES doctors (id);
