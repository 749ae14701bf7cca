CREATE TABLE agents (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  account_id bigint unsigned NOT NULL,
  email varchar(191) NOT NULL,
  display_name varchar(100) NOT NULL,
  active tinyint(1) NOT NULL DEFAULT '1',
  PRIMARY KEY (id),
  UNIQUE KEY uq_agents_email (email),
  KEY idx_agents_account (account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
