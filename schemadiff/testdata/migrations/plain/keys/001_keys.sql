-- Inline UNIQUE and KEY, and index prefixes as long as the column
-- (issue 16 items 7 and 10).
CREATE TABLE accounts (
  id bigint unsigned NOT NULL UNIQUE,
  email varchar(100) NOT NULL UNIQUE KEY,
  handle varchar(30) NOT NULL,
  slug varchar(40) NOT NULL,
  KEY handle (handle),
  KEY idx_slug (slug(40))
);
CREATE TABLE sessions (
  token char(32) NOT NULL KEY,
  account_id bigint unsigned NOT NULL,
  note varchar(200),
  KEY idx_note (note(50))
);
CREATE TABLE handles (
  handle varchar(30) NOT NULL UNIQUE,
  id int NOT NULL KEY,
  UNIQUE KEY (handle)
);
