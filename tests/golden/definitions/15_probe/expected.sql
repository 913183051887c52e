CREATE TABLE IF NOT EXISTS `{db}`.`#probe` (
`probe` varchar(16) NOT NULL COMMENT "probe \"model\" name",
`n_channels` smallint unsigned NOT NULL,
PRIMARY KEY (`probe`)
) ENGINE=InnoDB, COMMENT "probe models"
