CREATE TABLE IF NOT EXISTS `{db}`.`animal` (
`animal_id` int NOT NULL COMMENT "unique animal id",
`species` enum('mouse', 'rat') NOT NULL COMMENT "species",
`dob` date NOT NULL COMMENT "date of birth",
PRIMARY KEY (`animal_id`)
) ENGINE=InnoDB, COMMENT "experimental animals"
