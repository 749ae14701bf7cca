-- Users and products of a small shop.
CREATE TABLE users (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  email varchar(255) NOT NULL,
  name varchar(100) DEFAULT NULL,
  is_admin tinyint(1) NOT NULL DEFAULT 0,
  created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  UNIQUE KEY uk_users_email (email)
);

CREATE TABLE products (
  id int NOT NULL AUTO_INCREMENT,
  sku char(12) NOT NULL,
  title varchar(200) NOT NULL,
  price decimal(10,2) NOT NULL DEFAULT '0.00',
  stock int NOT NULL DEFAULT 0,
  PRIMARY KEY (id)
);
