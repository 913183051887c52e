CREATE TABLE IF NOT EXISTS `{db}`.`scan` (
`animal_id` int NOT NULL COMMENT "unique animal id",
`session` smallint NOT NULL COMMENT "session number",
`scan_idx` smallint NOT NULL COMMENT "scanimage-generated index",
`surfz` float NOT NULL COMMENT "(um) z-coord at pial surface",
`depth` int NOT NULL DEFAULT "0" COMMENT "manual depth measurement",
`laser_wavelength` float NOT NULL COMMENT "(nm)",
`laser_power` float NOT NULL COMMENT "(mW) to brain",
`cortical_area` enum('other','unknown','V1','LM','AL','PM') NOT NULL DEFAULT "V1",
`scan_notes` varchar(4095) NOT NULL DEFAULT "" COMMENT "free-notes",
`scan_ts` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP COMMENT "don't edit",
PRIMARY KEY (`animal_id`,`session`,`scan_idx`),
FOREIGN KEY (`animal_id`,`session`) REFERENCES `{db}`.`session` (`animal_id`,`session`) ON UPDATE CASCADE ON DELETE RESTRICT
) ENGINE=InnoDB, COMMENT "scanimage scan info"
