CREATE TABLE accounts (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  name varchar(120) NOT NULL,
  plan varchar(20) NOT NULL DEFAULT 'free',
  created_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  UNIQUE KEY uq_accounts_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
