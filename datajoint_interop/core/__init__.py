"""Foundation: errors, settings, the connection, identifier quoting and the one `execute`, the server catalog."""
