CREATE TABLE agent_daily_stats (
  agent_id bigint unsigned NOT NULL,
  day date NOT NULL,
  tickets_closed int NOT NULL DEFAULT '0',
  comments_written int NOT NULL DEFAULT '0',
  PRIMARY KEY (agent_id, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TRIGGER trg_comments_stats AFTER INSERT ON comments FOR EACH ROW
BEGIN
  IF NEW.author_id IS NOT NULL THEN
    INSERT INTO agent_daily_stats (agent_id, day, comments_written)
    VALUES (NEW.author_id, CURRENT_DATE, 1)
    ON DUPLICATE KEY UPDATE comments_written = comments_written + 1;
  END IF;
END;
