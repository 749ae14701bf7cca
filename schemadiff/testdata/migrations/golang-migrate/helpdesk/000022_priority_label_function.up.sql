CREATE FUNCTION priority_label(p int) RETURNS varchar(10) DETERMINISTIC NO SQL
BEGIN
  RETURN CASE WHEN p <= 1 THEN 'urgent' WHEN p = 2 THEN 'high' ELSE IF(p >= 5, 'low', 'normal') END;
END;

CREATE TABLE saved_views (
  id int unsigned NOT NULL AUTO_INCREMENT,
  agent_id bigint unsigned NOT NULL,
  name varchar(80) NOT NULL,
  `begin` date DEFAULT NULL,
  `end` date DEFAULT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
