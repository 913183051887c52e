CREATE TABLE IF NOT EXISTS `{db}`.`insertion` (
`animal_id` int NOT NULL COMMENT "unique animal id",
`session` smallint NOT NULL COMMENT "session number",
`probe` varchar(16) NOT NULL COMMENT "probe \"model\" name",
`index_count` int NOT NULL COMMENT "attribute whose name starts with 'index'",
`depth` float DEFAULT NULL COMMENT "(um)",
PRIMARY KEY (`animal_id`,`session`,`probe`),
FOREIGN KEY (`animal_id`,`session`) REFERENCES `{db}`.`session` (`animal_id`,`session`) ON UPDATE CASCADE ON DELETE RESTRICT,
FOREIGN KEY (`probe`) REFERENCES `{db}`.`#probe` (`probe`) ON UPDATE CASCADE ON DELETE RESTRICT,
index (`index_count`)
) ENGINE=InnoDB, COMMENT "probe insertions"
