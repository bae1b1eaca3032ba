import re

import pytest

from playground.groups import sandbox_group, site_group

CHANNELS_NAME_RULE = re.compile(r"^[a-zA-Z\d\-_.]+$")


def test_it_names_groups_the_way_channels_redis_accepts():
    for name in (site_group(), sandbox_group(42), sandbox_group("7f3a-b")):
        assert CHANNELS_NAME_RULE.match(name)
    assert sandbox_group(42) == "sandbox-42"


@pytest.mark.parametrize("bad", ["a b", "x/y", "ünïcode", "x" * 120])
def test_it_refuses_names_channels_would_reject(bad):
    with pytest.raises(ValueError):
        sandbox_group(bad)
