CREATE TABLE IF NOT EXISTS `{db}`.`mating` (
`mating_id` int NOT NULL COMMENT "mating number",
`mother` int NOT NULL COMMENT "unique animal id",
`father` int NOT NULL COMMENT "unique animal id",
`handler` char(8) COMMENT "short id",
PRIMARY KEY (`mating_id`),
FOREIGN KEY (`mother`) REFERENCES `{db}`.`animal` (`animal_id`) ON UPDATE CASCADE ON DELETE RESTRICT,
FOREIGN KEY (`father`) REFERENCES `{db}`.`animal` (`animal_id`) ON UPDATE CASCADE ON DELETE RESTRICT,
FOREIGN KEY (`handler`) REFERENCES `{db}`.`person` (`person_id`) ON UPDATE CASCADE ON DELETE RESTRICT,
UNIQUE INDEX (`handler`),
unique index (`mother`,`father`),
index (`handler`,`mother`)
) ENGINE=InnoDB, COMMENT "breeding pairs"
