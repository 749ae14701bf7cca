ALTER TABLE accounts ADD COLUMN email varchar(255) DEFAULT NULL;
CREATE INDEX idx_accounts_email ON accounts (email);
