"""Deterministic demo-data generator: a software company's tools plus a UK retailer.

``generate_world(out_dir, n_customers, seed)`` writes raw files in the shapes the dbt sources
declare, the ground truth they were drawn from, and a manifest of what was planted.
"""

from hvc.generate.world import Volume, generate_world

__all__ = ["Volume", "generate_world"]
