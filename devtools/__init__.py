"""Developer tooling behind `make run` and `make test`: process supervision and a
private Redis for machines that have none. Not imported by the site itself."""
