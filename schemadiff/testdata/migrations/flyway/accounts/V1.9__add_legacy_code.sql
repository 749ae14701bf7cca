ALTER TABLE accounts ADD COLUMN legacy_code varchar(20) DEFAULT NULL;
