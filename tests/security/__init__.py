"""Isolation and security: the persona matrix over every door (see world.py, matrix.py)."""
