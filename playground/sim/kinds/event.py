"""Event (core/v1): events are about objects in their own namespace.

Models pkg/apis/core/validation/events.go ValidateEvent (v1 semantics): the involved
object's namespace must match the event's, reason/type set by the recorder.
Simplified: no rate limits or series.
"""

from __future__ import annotations

from ..errors import invalid, required
from ..resources import ResourceType, Strategy, register


class EventStrategy(Strategy):
    def validate(self, obj, cluster):
        errs = []
        inv = obj.get("involvedObject") or {}
        ns = obj["metadata"].get("namespace", "")
        if inv.get("namespace") and inv["namespace"] != ns:
            errs.append(invalid("involvedObject.namespace", inv["namespace"],
                                "does not match event.namespace"))
        if obj.get("type") and obj["type"] not in ("Normal", "Warning"):
            errs.append(invalid("type", obj["type"], "has invalid value"))
        if not obj.get("reportingComponent") and obj.get("eventTime"):
            errs.append(required("reportingComponent"))
        return errs


register(
    ResourceType("Event", "events", "event", namespaced=True, short_names=("ev",)),
    EventStrategy(),
)
