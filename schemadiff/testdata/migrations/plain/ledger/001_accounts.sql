-- Invoicing, as a hand-run setup script (`mysql ledger < 001_accounts.sql`):
-- issue 16's second corpus project. The seed data is loaded with the mysql
-- client's source command; ddlbot reports the line and does not follow it.
CREATE TABLE accounts (
  id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name varchar(80) NOT NULL
);
source seed_accounts.sql
CREATE TABLE invoices (
  id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id int NOT NULL,
  payer_id int NULL,
  total decimal(10,2) NOT NULL DEFAULT 0,
  KEY idx_invoice_account (account_id),
  KEY idx_invoice_payer (payer_id)
);
