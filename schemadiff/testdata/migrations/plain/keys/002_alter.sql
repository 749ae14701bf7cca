ALTER TABLE accounts ADD COLUMN phone varchar(20) UNIQUE, ADD KEY idx_handle_prefix (handle(30), slug(10));
ALTER TABLE sessions ADD COLUMN device varchar(64) NOT NULL DEFAULT '' UNIQUE;
ALTER TABLE accounts MODIFY handle varchar(30) NOT NULL UNIQUE;
