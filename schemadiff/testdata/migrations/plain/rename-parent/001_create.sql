-- A parent table with a child that references it.
CREATE TABLE teams (
  id int NOT NULL AUTO_INCREMENT,
  name varchar(60) NOT NULL,
  PRIMARY KEY (id)
);
CREATE TABLE members (
  id int NOT NULL AUTO_INCREMENT,
  team_id int NOT NULL,
  email varchar(255) NOT NULL,
  PRIMARY KEY (id),
  KEY idx_members_team (team_id),
  CONSTRAINT fk_members_team FOREIGN KEY (team_id) REFERENCES teams (id)
);
