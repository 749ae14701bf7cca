CREATE TABLE ledger_entries (
  id bigint NOT NULL AUTO_INCREMENT,
  account_id bigint NOT NULL,
  amount decimal(18,4) NOT NULL,
  kind set('credit','debit','fee') NOT NULL,
  rate double DEFAULT NULL,
  metadata json DEFAULT NULL,
  booked_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  KEY idx_ledger_account_booked (account_id, booked_at),
  CONSTRAINT fk_ledger_account FOREIGN KEY (account_id) REFERENCES accounts (id)
);
ALTER TABLE accounts DROP INDEX idx_accounts_email;
CREATE VIEW account_balances AS select `accounts`.`id` AS `id`,`accounts`.`owner` AS `owner`,`accounts`.`balance` AS `balance` from `accounts`;
