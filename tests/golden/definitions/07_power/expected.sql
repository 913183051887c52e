CREATE TABLE IF NOT EXISTS `{db}`.`__power` (
`animal_id` int NOT NULL COMMENT "unique animal id",
`session` smallint NOT NULL COMMENT "session number",
`band_name` varchar(16) NOT NULL COMMENT "",
`power` float NOT NULL COMMENT "mV^2 Hz -- average power in the band",
PRIMARY KEY (`animal_id`,`session`,`band_name`),
FOREIGN KEY (`animal_id`,`session`) REFERENCES `{db}`.`_l_f_p` (`animal_id`,`session`) ON UPDATE CASCADE ON DELETE RESTRICT,
FOREIGN KEY (`band_name`) REFERENCES `{db}`.`#frequency_band` (`band_name`) ON UPDATE CASCADE ON DELETE RESTRICT
) ENGINE=InnoDB, COMMENT "LFP power in each frequency band"
