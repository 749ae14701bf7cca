CREATE TABLE members (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  email varchar(191) NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE orders (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  member_id bigint unsigned NOT NULL,
  total decimal(12,2) NOT NULL DEFAULT '0.00',
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
