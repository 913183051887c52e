CREATE TABLE IF NOT EXISTS `{db}`.`surgery` (
`animal_id` int NOT NULL COMMENT "unique animal id",
`surgery_idx` tinyint unsigned NOT NULL COMMENT "surgery number for this animal",
`surgeon` char(8) NOT NULL COMMENT "short id",
`assistant` char(8) COMMENT "short id",
`surgery_date` date NOT NULL,
PRIMARY KEY (`animal_id`,`surgery_idx`),
FOREIGN KEY (`animal_id`) REFERENCES `{db}`.`animal` (`animal_id`) ON UPDATE CASCADE ON DELETE RESTRICT,
FOREIGN KEY (`surgeon`) REFERENCES `{db}`.`person` (`person_id`) ON UPDATE CASCADE ON DELETE RESTRICT,
FOREIGN KEY (`assistant`) REFERENCES `{db}`.`person` (`person_id`) ON UPDATE CASCADE ON DELETE RESTRICT
) ENGINE=InnoDB, COMMENT "surgery on an animal"
