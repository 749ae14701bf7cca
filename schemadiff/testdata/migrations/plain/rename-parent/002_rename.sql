-- Renaming the parent: the server rewrites the child's foreign key to follow it.
RENAME TABLE teams TO squads;
ALTER TABLE members ADD COLUMN role varchar(20) NOT NULL DEFAULT 'member';
