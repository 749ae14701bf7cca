CREATE TABLE users (
  id bigint NOT NULL AUTO_INCREMENT,
  email varchar(255) NOT NULL,
  active tinyint(1) NOT NULL DEFAULT 1,
  PRIMARY KEY (id)
);

CREATE TABLE orders (
  id bigint NOT NULL AUTO_INCREMENT,
  user_id bigint NOT NULL,
  total decimal(10,2) NOT NULL,
  PRIMARY KEY (id),
  KEY idx_user (user_id)
);
