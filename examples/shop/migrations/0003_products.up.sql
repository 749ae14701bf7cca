CREATE TABLE products (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  sku varchar(64) NOT NULL,
  title varchar(200) NOT NULL,
  price float NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_sku (sku)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

INSERT INTO products (sku, title, price) VALUES ('TEA-1', 'Green tea', 4.5);
