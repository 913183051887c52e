CREATE TABLE IF NOT EXISTS `{db}`.`#frequency_band` (
`band_name` varchar(16) NOT NULL,
`freq_lo` float NOT NULL COMMENT "(Hz)",
`freq_hi` float NOT NULL COMMENT "(Hz)",
PRIMARY KEY (`band_name`)
) ENGINE=InnoDB, COMMENT "frequency bands for LFP power"
