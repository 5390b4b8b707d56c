"""Fusion: the same event told by many articles becomes one event with many sources.

``fuse_pending`` places every new report; ``corrections`` lets people fix what it decided;
``stories`` threads fused events together. Knobs live in ``data/fusion.yaml``.
"""

from .persist import FusionSummary, fuse_pending

__all__ = ["FusionSummary", "fuse_pending"]
