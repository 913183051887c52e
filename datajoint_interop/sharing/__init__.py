"""Sharing: users and grants, archives (export/import)."""
