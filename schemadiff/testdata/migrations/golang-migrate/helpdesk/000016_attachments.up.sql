CREATE TABLE attachments (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  comment_id bigint unsigned NOT NULL,
  file_name varchar(255) NOT NULL,
  content_type varchar(100) NOT NULL DEFAULT 'application/octet-stream',
  size_bytes bigint unsigned NOT NULL DEFAULT '0',
  PRIMARY KEY (id),
  KEY idx_attachments_comment (comment_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
