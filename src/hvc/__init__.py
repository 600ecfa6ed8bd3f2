"""hvc: find a company's most valuable customers, in a dbt + DuckDB warehouse."""

import threading

__version__ = "0.1.0"

#: dbt runs Python models on threads of one process, so two models can import their hvc
#: packages, and scikit-learn with them, at the same moment. Two threads importing
#: scikit-learn for the first time at once deadlock in its imports (narwhals.stable imports
#: its own submodules while the other thread imports one of them; Python raises
#: `_DeadlockError` in one thread and its model fails). The model packages (clv, identity,
#: propensity, segmentation) import their modules holding this lock, one package at a time.
IMPORT_LOCK = threading.RLock()
