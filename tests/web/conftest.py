from tests.web.ratelimit_support import counters, limits  # noqa: F401  (fixtures)
