CREATE TABLE accounts (
  id bigint NOT NULL AUTO_INCREMENT,
  owner varchar(100) NOT NULL,
  balance decimal(18,4) NOT NULL DEFAULT 0,
  PRIMARY KEY (id)
);
