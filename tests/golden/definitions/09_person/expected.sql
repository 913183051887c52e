CREATE TABLE IF NOT EXISTS `{db}`.`person` (
`person_id` char(8) NOT NULL COMMENT "short id",
`full_name` varchar(64) NOT NULL,
`rfid` binary(16) DEFAULT NULL COMMENT ":uuid:badge tag",
`weight` decimal(5,2) DEFAULT NULL COMMENT "(kg)",
`hired` datetime NOT NULL,
PRIMARY KEY (`person_id`)
) ENGINE=InnoDB, COMMENT "lab members"
