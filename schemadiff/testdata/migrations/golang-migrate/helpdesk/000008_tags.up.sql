CREATE TABLE tags (
  id int unsigned NOT NULL AUTO_INCREMENT,
  account_id bigint unsigned NOT NULL,
  label varchar(60) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_tags_account_label (account_id, label)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE ticket_tags (
  ticket_id bigint unsigned NOT NULL,
  tag_id int unsigned NOT NULL,
  PRIMARY KEY (ticket_id, tag_id),
  KEY idx_ticket_tags_tag (tag_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
