CREATE TABLE customers (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  account_id bigint unsigned NOT NULL,
  email varchar(191) NOT NULL,
  full_name varchar(150) DEFAULT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_customers_account_email (account_id, email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
ALTER TABLE tickets ADD COLUMN customer_id bigint unsigned DEFAULT NULL AFTER account_id, ADD KEY idx_tickets_customer (customer_id);
