-- nickname is no longer read or written since the app stopped using it: its data
-- goes with it, on purpose.
-- ddlbot:ignore drop-column -- nickname unused since the profile redesign
CREATE TABLE users (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  email varchar(255) NOT NULL,
  name varchar(100) NOT NULL,
  created_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  last_login_at datetime DEFAULT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
