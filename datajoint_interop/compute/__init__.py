"""Distributed computation: the `~jobs` queue and populate (worker loop and process pool)."""
