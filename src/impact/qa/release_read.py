"""Reading a public release back: the figures, chart data and sentences of a rendered report.

:func:`read_html` parses one public HTML report (its ``impact-table`` tables with their
``data-*`` attributes, the data inside its plotly charts, and its prose) into a :class:`Report`
of :class:`Figure` objects; :func:`parse_figure` turns a displayed number (either language) into
a float. What the figures give away is worked out in :mod:`impact.qa.release_audit`.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import numpy as np

from impact.report.manifest import parse_slug

__all__ = ["ALL", "Figure", "Report", "parse_figure", "read_html"]

#: the group (and confederation) of everyone
ALL = "all"


@dataclass(frozen=True)
class Figure:
    """One published figure, as read back from a file."""

    file: str
    cohort: str
    scope: str  #: the report's confederation ("all" for the cohort report)
    lang: str
    table: str
    wave: str
    dimension: str
    group: str
    stat: str
    text: str

    @property
    def cell(self) -> tuple[str, str]:
        """(confederation, sex) of the figure's group in the cohort's contingency tables."""
        conf = self.scope
        sex = ALL
        if self.dimension == "confederation" and self.group != ALL:
            conf = self.group
        elif self.dimension == "gender" and self.group != ALL:
            sex = self.group
        return conf, sex

    def where(self) -> str:
        parts = [self.table, self.wave, self.dimension or "overall", self.group, self.stat]
        return f"{Path(self.file).name}: " + " / ".join(p for p in parts if p)


class _ReportParser(HTMLParser):
    """The impact tables (``data-*`` attributes), the plotly figures and the prose of a report."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: list[dict[str, str]] = []
        self.prose: list[str] = []
        self.scripts: list[str] = []
        self._table: dict[str, str] | None = None
        self._group: str | None = None
        self._stat: str | None = None
        self._text: list[str] = []
        self._script = False
        self._prose_depth = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "table" and "impact-table" in a.get("class", "").split():
            self._table = {
                "table": a.get("data-table", ""),
                "wave": a.get("data-wave", ""),
                "dimension": a.get("data-dimension", ""),
            }
        elif tag == "tr" and self._table is not None:
            self._group = a.get("data-group")
        elif tag == "td" and self._table is not None and "data-stat" in a:
            self._stat, self._text = a["data-stat"], []
        elif tag == "script":
            self._script, self._text = True, []
        elif tag in ("li", "p") and self._table is None:
            self._prose_depth += 1
            if self._prose_depth == 1:
                self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif tag == "td" and self._stat is not None and self._table is not None:
            self.cells.append(
                {
                    **self._table,
                    "group": self._group or "",
                    "stat": self._stat,
                    "text": "".join(self._text).strip(),
                }
            )
            self._stat = None
        elif tag == "script" and self._script:
            self.scripts.append("".join(self._text))
            self._script = False
        elif tag in ("li", "p") and self._prose_depth:
            self._prose_depth -= 1
            if self._prose_depth == 0:
                self.prose.append(" ".join("".join(self._text).split()))

    def handle_data(self, data: str) -> None:
        if self._stat is not None or self._script or self._prose_depth:
            self._text.append(data)


@dataclass
class Report:
    path: Path
    cohort: str
    scope: str
    lang: str
    figures: list[Figure]
    traces: list[dict]
    prose: list[str]


def read_html(path: Path) -> Report | None:
    """A public report's figures, chart traces and sentences (None if the file is not a public report)."""
    parsed = parse_slug(path.stem)
    if parsed is None or parsed[2] != "public":
        return None
    cohort, scope, _, lang = parsed
    p = _ReportParser()
    p.feed(path.read_text(encoding="utf-8", errors="replace"))
    figures = [
        Figure(
            str(path),
            cohort,
            scope,
            lang,
            c["table"],
            c["wave"],
            c["dimension"],
            c["group"],
            c["stat"],
            c["text"],
        )
        for c in p.cells
    ]
    traces = [t for script in p.scripts for t in _plotly_traces(script)]
    return Report(path, cohort, scope, lang, figures, traces, p.prose)


def _plotly_traces(script: str) -> list[dict]:
    out = []
    decoder = json.JSONDecoder()
    for m in re.finditer(r"Plotly\.newPlot\(\s*\"[^\"]*\",\s*", script):
        try:
            traces, _ = decoder.raw_decode(script, m.end())
        except ValueError:
            continue
        out += [t for t in traces if isinstance(t, dict)]
    return out


def _array(value) -> list[float]:
    """A plotly data array: a list, or plotly's typed array ``{"dtype", "bdata"}``."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"])).tolist()
    return list(value or [])


_CI = re.compile(r"^(?P<est>.*?) \((?P<low>.*?)(?:–| to | s\.d\. )(?P<high>.*?)\)$")


def parse_figure(text: str, lang: str) -> float | None:
    """A displayed number as a float (shares 0–1), None for hidden/missing/text.

    >>> parse_figure("Rp 3.250.000", "id"), parse_figure("29%", "en"), parse_figure("−0,25", "id")
    (3250000.0, 0.29, -0.25)
    """
    t = text.strip().replace("\u2212", "-").replace("Rp ", "").replace("Rp", "")
    if t in ("", "c", "–", "-") or t.startswith("<"):
        return None
    pct = t.endswith("%")
    t = t.rstrip("%")
    t = t.replace(".", "").replace(",", ".") if lang == "id" else t.replace(",", "")
    try:
        v = float(t)
    except ValueError:
        return None
    return v / 100 if pct else v


def _estimate(text: str) -> str:
    m = _CI.match(text.strip())
    return m.group("est") if m else text
