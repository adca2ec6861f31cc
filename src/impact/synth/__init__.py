"""Synthetic data (fake people only): the bundled sample (:mod:`~impact.synth.sample`) and
platform-scale order exports (:mod:`~impact.synth.scale`)."""

from __future__ import annotations

__all__: list[str] = []
