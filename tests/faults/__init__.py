"""Fault tests of issue #9: workers killed, Redis restarted, the database away, two sites."""
