CREATE TABLE IF NOT EXISTS `{db}`.`note` (
`note_id` int NOT NULL COMMENT "id \"quoted\" 50% C:\\data",
`note` varchar(255) NOT NULL DEFAULT "" COMMENT "it's {braces} /slash/",
PRIMARY KEY (`note_id`)
) ENGINE=InnoDB, COMMENT "notes with \"quotes\", 100% and a back\\slash"
