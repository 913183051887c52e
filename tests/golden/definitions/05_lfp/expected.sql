CREATE TABLE IF NOT EXISTS `{db}`.`_l_f_p` (
`animal_id` int NOT NULL COMMENT "unique animal id",
`session` smallint NOT NULL COMMENT "session number",
`voltage` longblob NOT NULL COMMENT "(mV)",
`dt` double NOT NULL COMMENT "(s) sampling interval",
PRIMARY KEY (`animal_id`,`session`),
FOREIGN KEY (`animal_id`,`session`) REFERENCES `{db}`.`session` (`animal_id`,`session`) ON UPDATE CASCADE ON DELETE RESTRICT
) ENGINE=InnoDB, COMMENT "local field potential"
