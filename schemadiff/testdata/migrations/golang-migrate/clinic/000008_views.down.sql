DROP VIEW walk_in_directory;
DROP VIEW doctor_directory;
