-- Version 10 runs after version 2 (numeric order, not text order): it needs posts.
CREATE TABLE post_tags (
  post_id bigint NOT NULL,
  tag_id int NOT NULL,
  PRIMARY KEY (post_id, tag_id),
  KEY idx_post_tags_tag (tag_id),
  CONSTRAINT fk_post_tags_post FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE,
  CONSTRAINT fk_post_tags_tag FOREIGN KEY (tag_id) REFERENCES tags (id) ON DELETE CASCADE
);
ALTER TABLE posts RENAME COLUMN body TO content;
ALTER TABLE posts ADD INDEX idx_posts_published (published_at), DROP COLUMN views;
ALTER TABLE tags ADD UNIQUE INDEX uk_tags_label (label);
CREATE VIEW published_posts AS select `posts`.`id` AS `id`,`posts`.`title` AS `title` from `posts` where `posts`.`published_at` is not null;
