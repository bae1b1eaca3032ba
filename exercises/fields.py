"""A JSON document stored as text, so its keys keep the author's order.

PostgreSQL's jsonb (behind Django's JSONField) reorders object keys, which broke the
promise that exporting an imported exercise gives back the same bytes on PostgreSQL
while it held on SQLite.
"""

from __future__ import annotations

import json

from django.db import models


class OrderedJSONField(models.TextField):
    def from_db_value(self, value, expression, connection):
        return None if value is None else json.loads(value)

    def to_python(self, value):
        if value is None or not isinstance(value, str):
            return value
        return json.loads(value)

    def get_prep_value(self, value):
        return None if value is None else json.dumps(value, ensure_ascii=False)

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))
