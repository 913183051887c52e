"""Query expressions, their one SQL compiler, fetch, insert and delete over user tables."""
