CREATE TABLE IF NOT EXISTS `{db}`.`__power__channel` (
`animal_id` int NOT NULL COMMENT "unique animal id",
`session` smallint NOT NULL COMMENT "session number",
`band_name` varchar(16) NOT NULL COMMENT "",
`channel` tinyint unsigned NOT NULL COMMENT "channel number",
`channel_power` float NOT NULL COMMENT "mV^2 Hz",
PRIMARY KEY (`animal_id`,`session`,`band_name`,`channel`),
FOREIGN KEY (`animal_id`,`session`,`band_name`) REFERENCES `{db}`.`__power` (`animal_id`,`session`,`band_name`) ON UPDATE CASCADE ON DELETE RESTRICT
) ENGINE=InnoDB, COMMENT "power in one recording channel"
