CREATE TABLE products (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  sku varchar(64) NOT NULL,
  title varchar(200) NOT NULL,
  price decimal(10,2) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_sku (sku)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
