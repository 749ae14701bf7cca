CREATE TABLE sla_policies (
  id int unsigned NOT NULL AUTO_INCREMENT,
  account_id bigint unsigned NOT NULL,
  priority int NOT NULL,
  first_response_minutes int NOT NULL,
  resolution_minutes int NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_sla_account_priority (account_id, priority)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
