CREATE TABLE IF NOT EXISTS `{db}`.`session` (
`animal_id` int NOT NULL COMMENT "unique animal id",
`session` smallint NOT NULL COMMENT "session number",
`session_date` date NOT NULL,
`operator` varchar(32) NOT NULL DEFAULT "" COMMENT "who ran it",
`session_ts` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
PRIMARY KEY (`animal_id`,`session`),
FOREIGN KEY (`animal_id`) REFERENCES `{db}`.`animal` (`animal_id`) ON UPDATE CASCADE ON DELETE RESTRICT
) ENGINE=InnoDB, COMMENT "experimental session"
