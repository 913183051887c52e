"""External storage: the objects in stores and the `~external_<store>` tables that track them."""
