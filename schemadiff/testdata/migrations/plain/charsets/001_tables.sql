-- Quoted charset names, explicit default collations, BINARY and national
-- columns (issue 16 items 5, 8, 10).
CREATE TABLE people (
  id bigint unsigned NOT NULL PRIMARY KEY,
  name varchar(40) CHARACTER SET 'utf8mb4' NOT NULL,
  legacy varchar(40) CHARACTER SET latin1 COLLATE latin1_swedish_ci,
  legacy2 varchar(40) CHARSET "latin1",
  bin_name varchar(20) BINARY,
  bin_latin varchar(20) CHARACTER SET latin1 BINARY,
  code char(3) COLLATE 'ascii_bin',
  mb3 varchar(10) CHARACTER SET utf8mb3 COLLATE utf8mb3_general_ci,
  mb3b varchar(10) CHARACTER SET utf8 COLLATE utf8_bin,
  tag enum('a','b') CHARACTER SET latin1
) DEFAULT CHARSET='utf8mb4';
CREATE TABLE old_latin (
  id int NOT NULL PRIMARY KEY,
  a varchar(10),
  b varchar(10) CHARACTER SET latin1,
  c varchar(10) COLLATE latin1_bin,
  d varchar(10) CHARACTER SET utf8mb4,
  e text
) ENGINE=InnoDB DEFAULT CHARSET=latin1;
CREATE TABLE explicit_latin (
  id int NOT NULL PRIMARY KEY,
  a varchar(10)
) DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci;
CREATE TABLE only_collate (
  id int NOT NULL PRIMARY KEY,
  a varchar(10)
) COLLATE=latin1_german1_ci;
