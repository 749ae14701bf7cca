-- +goose Up
ALTER TABLE stock_items ADD COLUMN reserved int NOT NULL DEFAULT 0 AFTER quantity;
ALTER TABLE stock_items DROP INDEX idx_stock_sku, ADD UNIQUE KEY uk_stock_wh_sku (warehouse_id, sku);
CREATE INDEX idx_warehouses_city ON warehouses (city);
ALTER TABLE warehouses MODIFY COLUMN city varchar(120) NOT NULL;

-- +goose StatementBegin
CREATE VIEW stock_labels AS
  select `stock_items`.`id` AS `id`, concat(`stock_items`.`sku`, ';', `stock_items`.`label`) AS `tag`
  from `stock_items`;
-- +goose StatementEnd

-- +goose Down
DROP VIEW stock_labels;
ALTER TABLE warehouses MODIFY COLUMN city varchar(80) NOT NULL;
DROP INDEX idx_warehouses_city ON warehouses;
