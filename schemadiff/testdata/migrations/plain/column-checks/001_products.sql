CREATE TABLE products (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  sku varchar(32) NOT NULL,
  price decimal(10,2) NOT NULL CHECK (price >= 0),
  stock int NOT NULL DEFAULT 0 CHECK (stock >= 0),
  discount_pct int DEFAULT NULL CHECK (discount_pct BETWEEN 0 AND 90),
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
