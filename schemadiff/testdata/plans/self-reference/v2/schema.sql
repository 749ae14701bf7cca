-- Categories also get a pinned comment: a self-reference plus a cycle.
CREATE TABLE categories (
  id int NOT NULL AUTO_INCREMENT,
  parent_id int DEFAULT NULL,
  name varchar(100) NOT NULL,
  pinned_comment_id bigint DEFAULT NULL,
  PRIMARY KEY (id),
  CONSTRAINT fk_categories_parent FOREIGN KEY (parent_id) REFERENCES categories (id) ON DELETE CASCADE,
  CONSTRAINT fk_categories_pinned FOREIGN KEY (pinned_comment_id) REFERENCES comments (id) ON DELETE SET NULL
) ENGINE=InnoDB;

CREATE TABLE comments (
  id bigint NOT NULL AUTO_INCREMENT,
  category_id int NOT NULL,
  reply_to bigint DEFAULT NULL,
  body text,
  PRIMARY KEY (id),
  CONSTRAINT fk_comments_category FOREIGN KEY (category_id) REFERENCES categories (id),
  CONSTRAINT fk_comments_reply FOREIGN KEY (reply_to) REFERENCES comments (id)
) ENGINE=InnoDB;
