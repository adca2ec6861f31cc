"""Measuring: numbers only, no display strings.

- :mod:`~impact.measure.reference`: minimum-wage and CPI lookups;
- :mod:`~impact.measure.indicators`: per participant × wave and × month indicators;
- :mod:`~impact.measure.stats`: small-sample intervals, comparisons and time to recovery;
- :mod:`~impact.measure.tables`: group tables, comparisons, attrition and the logframe.
"""

from __future__ import annotations

__all__: list[str] = []
