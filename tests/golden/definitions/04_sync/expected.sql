CREATE TABLE IF NOT EXISTS `{db}`.`_sync` (
`animal_id` int NOT NULL COMMENT "unique animal id",
`session` smallint NOT NULL COMMENT "session number",
`scan_idx` smallint NOT NULL COMMENT "scanimage-generated index",
`frame_times` longblob NOT NULL COMMENT "frame times in the stimulus clock",
`sync_ts` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
PRIMARY KEY (`animal_id`,`session`,`scan_idx`),
FOREIGN KEY (`animal_id`,`session`,`scan_idx`) REFERENCES `{db}`.`scan` (`animal_id`,`session`,`scan_idx`) ON UPDATE CASCADE ON DELETE RESTRICT
) ENGINE=InnoDB, COMMENT "synchronization of scan frames with the stimulus"
