CREATE TABLE posts (
  id bigint NOT NULL AUTO_INCREMENT,
  author_id int unsigned NOT NULL,
  title varchar(250) NOT NULL,
  body mediumtext NOT NULL,
  published_at datetime DEFAULT NULL,
  views bigint unsigned NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  KEY idx_posts_author (author_id),
  CONSTRAINT fk_posts_author FOREIGN KEY (author_id) REFERENCES authors (id)
);
CREATE TABLE tags (
  id int NOT NULL AUTO_INCREMENT,
  label varchar(50) NOT NULL,
  PRIMARY KEY (id)
);
