"""Names of Channels groups, built in one place.

channels-redis accepts only names matching ^[a-zA-Z\\d\\-_.]+$ (under 100 chars),
so every group name comes from here and is checked here.
"""

import re

VALID_GROUP = re.compile(r"^[a-zA-Z\d\-_.]{1,99}$")


def _checked(name: str) -> str:
    if not VALID_GROUP.match(name):
        raise ValueError(f"invalid channel group name: {name!r}")
    return name


def site_group() -> str:
    """Every open page of the site: site-wide notices."""
    return _checked("site")


def sandbox_group(sandbox_id: int | str) -> str:
    """Every open page of one sandbox."""
    return _checked(f"sandbox-{sandbox_id}")
