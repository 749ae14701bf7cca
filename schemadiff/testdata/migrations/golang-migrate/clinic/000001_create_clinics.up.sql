-- A clinic booking app, written the way such repositories are (issue 16's
-- corpus: every item in one project). Synonyms, quoted charsets, BOOLEAN
-- defaults and inline UNIQUE, as a MySQL 5.x-era schema would have them.
CREATE TABLE clinics (
  id integer NOT NULL AUTO_INCREMENT PRIMARY KEY,
  code character varying(12) NOT NULL UNIQUE,
  name national varchar(120) NOT NULL,
  active boolean NOT NULL DEFAULT 1,
  accepts_walk_ins bool NOT NULL DEFAULT FALSE,
  latitude double precision,
  longitude double precision,
  opened year(4),
  notes long varchar
) ENGINE=InnoDB DEFAULT CHARSET='utf8mb4';
