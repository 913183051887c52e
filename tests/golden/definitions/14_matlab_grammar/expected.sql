CREATE TABLE IF NOT EXISTS `{db}`.`#stimulus` (
`stim_id` smallint NOT NULL COMMENT "stimulus number",
`stim_name` varchar(64) NOT NULL COMMENT "name of the stimulus",
`contrast` float NOT NULL DEFAULT "1.0" COMMENT "Michelson contrast",
`stim_kind` enum('grating', 'movie', 'noise') NOT NULL DEFAULT "grating",
PRIMARY KEY (`stim_id`)
) ENGINE=InnoDB, COMMENT "visual stimuli"
