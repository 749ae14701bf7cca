DROP VIEW published_posts;
DROP TABLE post_tags;
