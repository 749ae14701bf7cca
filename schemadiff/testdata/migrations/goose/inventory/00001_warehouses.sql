-- +goose Up
CREATE TABLE warehouses (
  id int NOT NULL AUTO_INCREMENT,
  code varchar(10) NOT NULL,
  city varchar(80) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_warehouses_code (code)
);

-- +goose StatementBegin
CREATE TABLE stock_items (
  id bigint NOT NULL AUTO_INCREMENT,
  warehouse_id int NOT NULL,
  sku varchar(40) NOT NULL,
  quantity int NOT NULL DEFAULT 0,
  label varchar(100) NOT NULL DEFAULT 'a;b',
  PRIMARY KEY (id),
  KEY idx_stock_sku (sku),
  CONSTRAINT fk_stock_warehouse FOREIGN KEY (warehouse_id) REFERENCES warehouses (id)
) COMMENT='stock; per warehouse';
-- +goose StatementEnd

-- +goose Down
DROP TABLE stock_items;
DROP TABLE warehouses;
