"""Helpers shared by the benchmarks that run the real stack (not benchmarks themselves:
`make bench` runs only bench/*.py)."""
