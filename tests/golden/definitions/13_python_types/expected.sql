CREATE TABLE IF NOT EXISTS `{db}`.`counter` (
`counter_id` serial NOT NULL,
`is_alive` bool NOT NULL DEFAULT "1",
`ratio` decimal(6,3) unsigned NOT NULL,
`value` real DEFAULT NULL,
`created` timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
PRIMARY KEY (`counter_id`)
) ENGINE=InnoDB, COMMENT "types only Python can declare"
