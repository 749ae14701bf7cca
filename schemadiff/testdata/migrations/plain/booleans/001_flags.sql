-- Issue 16 item 1: BOOLEAN/BOOL defaults written every way MySQL accepts.
CREATE TABLE flags (
  id bigint unsigned NOT NULL PRIMARY KEY,
  a boolean NOT NULL DEFAULT 0,
  b bool NOT NULL DEFAULT '1',
  c BOOLEAN NOT NULL DEFAULT FALSE,
  d boolean DEFAULT NULL,
  e boolean
);
