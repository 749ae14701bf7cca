-- migrate:up
CREATE TABLE customers (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  name varchar(120) NOT NULL,
  country char(2) NOT NULL DEFAULT 'US',
  PRIMARY KEY (id)
);

CREATE TABLE invoices (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  customer_id bigint unsigned NOT NULL,
  amount decimal(14,2) NOT NULL,
  issued_on date NOT NULL,
  paid tinyint(1) NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  KEY idx_invoices_customer (customer_id),
  CONSTRAINT fk_invoices_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
);

-- migrate:down
DROP TABLE invoices;
DROP TABLE customers;
