CREATE TABLE webhooks (
  id int unsigned NOT NULL AUTO_INCREMENT,
  account_id bigint unsigned NOT NULL,
  url varchar(500) NOT NULL,
  secret varchar(64) NOT NULL,
  PRIMARY KEY (id),
  KEY idx_webhooks_account (account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
DROP PROCEDURE IF EXISTS sla_breaches;
