CREATE TABLE authors (
  id int unsigned NOT NULL AUTO_INCREMENT,
  handle varchar(40) NOT NULL,
  bio text,
  PRIMARY KEY (id),
  UNIQUE KEY uk_authors_handle (handle)
);
