-- migrate:up
ALTER TABLE invoices
  ADD COLUMN currency char(3) NOT NULL DEFAULT 'USD' AFTER amount,
  MODIFY COLUMN amount decimal(16,2) NOT NULL,
  RENAME INDEX idx_invoices_customer TO idx_invoices_customer_id;
CREATE TABLE invoice_lines (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  invoice_id bigint unsigned NOT NULL,
  description varchar(255) NOT NULL,
  quantity int unsigned NOT NULL DEFAULT 1,
  unit_price decimal(14,2) NOT NULL,
  PRIMARY KEY (id),
  KEY idx_lines_invoice (invoice_id),
  CONSTRAINT fk_lines_invoice FOREIGN KEY (invoice_id) REFERENCES invoices (id) ON DELETE CASCADE
);
CREATE TABLE audit_log_old (
  id bigint NOT NULL AUTO_INCREMENT,
  message varchar(255) NOT NULL,
  PRIMARY KEY (id)
);
RENAME TABLE audit_log_old TO audit_log;
ALTER TABLE audit_log ADD COLUMN created_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP;
CREATE VIEW unpaid_invoices AS select `invoices`.`id` AS `id`,`invoices`.`customer_id` AS `customer_id`,`invoices`.`amount` AS `amount` from `invoices` where `invoices`.`paid` = 0;

-- migrate:down
DROP VIEW unpaid_invoices;
DROP TABLE audit_log;
DROP TABLE invoice_lines;
