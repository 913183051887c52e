CREATE TABLE IF NOT EXISTS `{db}`.`_recording` (
`animal_id` int NOT NULL COMMENT "unique animal id",
`session` smallint NOT NULL COMMENT "session number",
`rec_idx` smallint unsigned NOT NULL COMMENT "recording index",
`rec_type` enum('ephys', 'imaging') NOT NULL DEFAULT 'ephys',
`sampling_rate` double NOT NULL DEFAULT "30000.0" COMMENT "(Hz)",
`gain` float NOT NULL DEFAULT "-1.5",
`raw` longblob DEFAULT NULL COMMENT "raw samples",
`thumb` blob DEFAULT NULL,
`notes` varchar(255) NOT NULL DEFAULT "" COMMENT "free notes, \"quoted\" words",
`started` datetime(3) DEFAULT NULL,
PRIMARY KEY (`animal_id`,`session`,`rec_idx`),
FOREIGN KEY (`animal_id`,`session`) REFERENCES `{db}`.`session` (`animal_id`,`session`) ON UPDATE CASCADE ON DELETE RESTRICT,
index (`rec_type`)
) ENGINE=InnoDB, COMMENT "raw recording"
