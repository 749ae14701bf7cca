ALTER TABLE old_latin ADD COLUMN f varchar(5) CHARACTER SET 'latin1' COLLATE 'latin1_swedish_ci', MODIFY a varchar(12) BINARY;
ALTER TABLE people ADD COLUMN g varchar(5) CHARSET latin1 COLLATE latin1_swedish_ci;
CREATE TABLE converted (id int NOT NULL PRIMARY KEY, a varchar(10)) DEFAULT CHARSET=latin1;
ALTER TABLE converted CONVERT TO CHARACTER SET 'utf8mb4';
