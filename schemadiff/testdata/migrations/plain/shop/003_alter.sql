ALTER TABLE users
  ADD COLUMN phone varchar(32) NULL AFTER email,
  MODIFY COLUMN name varchar(150) NOT NULL DEFAULT '';

ALTER TABLE products DROP COLUMN stock, ADD COLUMN weight_grams int unsigned NULL;

DROP INDEX idx_products_sku ON products;
CREATE UNIQUE INDEX uk_products_sku ON products (sku);

ALTER TABLE orders ADD INDEX idx_orders_status_placed (status, placed_at);

RENAME TABLE products TO catalog_items;
