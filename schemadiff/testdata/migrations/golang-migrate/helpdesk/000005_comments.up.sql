CREATE TABLE comments (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  ticket_id bigint unsigned NOT NULL,
  author_id bigint unsigned DEFAULT NULL,
  body text NOT NULL,
  internal tinyint(1) NOT NULL DEFAULT '0',
  created_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  KEY idx_comments_ticket (ticket_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
ALTER TABLE tickets ADD COLUMN comment_count int NOT NULL DEFAULT '0';
