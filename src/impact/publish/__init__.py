"""Publishing: what a reader sees, and the rules that protect the people behind it.

- :mod:`~impact.publish.disclosure`: the disclosure model (the only code that decides what a
  public reader sees);
- :mod:`~impact.publish.results`: one cohort's results, built in one call, published per audience;
- :mod:`~impact.publish.format`: labels, rupiah, percentages, headings and narrative helpers;
- :mod:`~impact.publish.annex`: the Excel annex tables; :mod:`~impact.publish.plots`: figures.
"""

from __future__ import annotations

__all__: list[str] = []
