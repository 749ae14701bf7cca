-- 1.10 runs after 1.9 (Flyway compares versions part by part): the column exists by now.
ALTER TABLE accounts RENAME COLUMN legacy_code TO external_code;
CREATE UNIQUE INDEX uk_accounts_external_code ON accounts (external_code);
