CREATE TABLE devices (id serial, name varchar(30) NOT NULL);
ALTER TABLE devices ADD COLUMN port int2 NOT NULL DEFAULT 0, MODIFY name character varying(60) NOT NULL;
ALTER TABLE measurements CHANGE COLUMN small small_value integer, ADD COLUMN (extra dec(4,1), more nchar(2));
