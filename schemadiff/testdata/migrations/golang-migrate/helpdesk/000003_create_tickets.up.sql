CREATE TABLE tickets (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  account_id bigint unsigned NOT NULL,
  subject varchar(200) NOT NULL,
  status varchar(16) NOT NULL DEFAULT 'open',
  priority int NOT NULL DEFAULT '3',
  assignee_id bigint unsigned DEFAULT NULL,
  created_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  KEY idx_tickets_account_status (account_id, status),
  KEY idx_tickets_assignee (assignee_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
