ALTER TABLE tickets CHANGE COLUMN subject title varchar(250) NOT NULL;
