"""The definition language: parsing, declaring (CREATE TABLE), headings read from the server, naming rules."""
