"""The simulated Kubernetes control plane: pure Python over plain dicts.

No Django, Celery, Channels or Redis import may appear anywhere in this package
(tests/sim/test_import_contract.py enforces it).
"""

from .cluster import Cluster

__all__ = ["Cluster"]
