"""Objects the API server hands its controllers are shared with its store, not copied.

Like the objects in client-go's informer caches, they must never be changed in place:
a controller that wants to change one clones it first (objects.clone) and writes the
copy. Copying every write's result cost about a tenth of a large rollout, so the API
server returns its stored dict to controllers and enforces the rule in tests instead:
with PLAYGROUND_SIM_CHECK_SHARED=1 (tests/conftest.py sets it) `shared` returns a
read-only deep copy whose mutators raise, naming the rule.
"""

from __future__ import annotations

import os
from typing import Any

CHECK = os.environ.get("PLAYGROUND_SIM_CHECK_SHARED") == "1"

_MESSAGE = ("an object the API server returned is shared with its store and must not be "
            "changed in place: clone it first (playground/sim/shared.py)")


def _refuse(self, *args: Any, **kwargs: Any) -> Any:
    raise TypeError(_MESSAGE)


class ReadOnlyDict(dict):
    __setitem__ = __delitem__ = setdefault = pop = popitem = update = clear = _refuse
    __ior__ = _refuse


class ReadOnlyList(list):
    __setitem__ = __delitem__ = append = extend = insert = pop = remove = _refuse
    sort = reverse = clear = __iadd__ = __imul__ = _refuse


def read_only(value: Any) -> Any:
    """A deep copy whose dicts and lists refuse every change (json.dumps still reads it)."""
    if isinstance(value, dict):
        return ReadOnlyDict({k: read_only(v) for k, v in value.items()})
    if isinstance(value, list):
        return ReadOnlyList(read_only(v) for v in value)
    return value


def shared(stored: dict) -> dict:
    """The stored object itself, or under CHECK a read-only copy of it."""
    return read_only(stored) if CHECK else stored
