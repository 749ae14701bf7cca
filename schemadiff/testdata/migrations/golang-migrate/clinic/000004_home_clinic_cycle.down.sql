ALTER TABLE clinics DROP FOREIGN KEY fk_clinic_head, DROP COLUMN head_doctor_id;
ALTER TABLE doctors DROP FOREIGN KEY fk_doctor_clinic;
