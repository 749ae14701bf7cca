CREATE TABLE orders (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  user_id bigint unsigned NOT NULL,
  status enum('new','paid','shipped') NOT NULL DEFAULT 'new',
  total decimal(12,2) NOT NULL,
  note text,
  placed_at datetime(3) DEFAULT NULL,
  PRIMARY KEY (id),
  KEY idx_orders_user (user_id),
  CONSTRAINT fk_orders_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);

CREATE INDEX idx_products_sku ON products (sku);
