DROP TABLE `old_logs`;
ALTER TABLE `users` DROP COLUMN `nick`, MODIFY COLUMN `email` varchar(100) NOT NULL, ADD COLUMN `last_login` datetime, ADD UNIQUE KEY `uk_email` (`email`);
CREATE TABLE `we|ird``name` (
	`id` int NOT NULL,
	`note` varchar(10) COMMENT '<b>@here</b> [x](http://e.vil)',
	PRIMARY KEY (`id`)
);
