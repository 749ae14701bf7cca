-- A category tree, and comments that answer comments.
CREATE TABLE categories (
  id int NOT NULL AUTO_INCREMENT,
  parent_id int DEFAULT NULL,
  name varchar(100) NOT NULL,
  PRIMARY KEY (id),
  CONSTRAINT fk_categories_parent FOREIGN KEY (parent_id) REFERENCES categories (id) ON DELETE CASCADE
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
