"""Executed notebook → one self-contained offline HTML page (no code, plotly.js inlined once)."""

from __future__ import annotations

import copy
import functools
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from impact.report.pdf import page_margin_css

if TYPE_CHECKING:  # heavy imports stay lazy: `impact --help` must not load nbconvert
    from nbformat import NotebookNode

__all__ = [
    "INTERNAL_BANNER",
    "MAX_FIGURE_WIDTH_PX",
    "PLOTLY_CONFIG",
    "PLOTLY_DEFAULT_HEIGHT",
    "PLOTLY_MIME",
    "REMOVE_CELL_TAGS",
    "TEMPLATE_DIR",
    "TEMPLATE_NAME",
    "check_offline",
    "count_plotly_bundles",
    "drop_stderr",
    "plotly_outputs_to_html",
    "to_html",
]


REMOVE_CELL_TAGS = frozenset({"parameters", "injected-parameters", "remove", "papermill-error-cell-tag"})
PLOTLY_MIME = "application/vnd.plotly.v1+json"
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}
#: height of a figure whose layout sets none (plotly's notebook renderers use about the same)
PLOTLY_DEFAULT_HEIGHT = "450px"
#: a figure wider than A4's printable width (180 mm ≈ 680 CSS px) would be clipped in the PDF: its
#: fixed width is dropped at export so that it fills the page width instead
MAX_FIGURE_WIDTH_PX = 680
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "impact_report"
INTERNAL_BANNER = "INTERNAL — not for publication"


# --- notebook → HTML -----------------------------------------------------------------------------


def drop_stderr(nb: NotebookNode) -> NotebookNode:
    """A copy of the notebook without stderr stream outputs (warnings, logs). Pure."""
    out = copy.deepcopy(nb)
    for cell in out.cells:
        if cell.get("cell_type") == "code":
            cell.outputs = [
                o for o in cell.outputs if not (o.output_type == "stream" and o.get("name") == "stderr")
            ]
    return out


def plotly_outputs_to_html(
    nb: NotebookNode, *, config: dict[str, Any] | None = None, include_plotlyjs: bool = True
) -> tuple[NotebookNode, int]:
    """A copy of the notebook with each plotly JSON output replaced by ``text/html``; and the count.

    plotly.js is inlined in the first figure only (``include_plotlyjs=False`` for none); the other
    figures use it from there. Figure divs get stable ids (``impact-fig-1``, …); a fixed width
    above :data:`MAX_FIGURE_WIDTH_PX` is dropped (the figure then fills the page). Pure.
    """
    import plotly.io as pio

    out = copy.deepcopy(nb)
    n = 0
    for cell in out.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if PLOTLY_MIME not in data:
                continue
            fig = data[PLOTLY_MIME]
            fig = json.loads(fig) if isinstance(fig, str) else copy.deepcopy(dict(fig))
            layout = fig.get("layout") or {}
            if isinstance(layout.get("width"), int | float) and layout["width"] > MAX_FIGURE_WIDTH_PX:
                fig["layout"] = {k: v for k, v in layout.items() if k != "width"} | {"autosize": True}
            n += 1
            output.data = {
                "text/html": pio.to_html(
                    fig,
                    config=config or PLOTLY_CONFIG,
                    include_plotlyjs=include_plotlyjs and n == 1,
                    include_mathjax=False,
                    full_html=False,
                    validate=False,  # validated in the kernel when the figure was built
                    default_width="100%",
                    default_height=PLOTLY_DEFAULT_HEIGHT,
                    div_id=f"impact-fig-{n}",
                )
            }
            output.metadata = {}
    return out, n


@functools.cache
def _report_preprocessor() -> type:
    from nbconvert.preprocessors import Preprocessor

    class ImpactReportPreprocessor(Preprocessor):
        """Drop stderr streams and turn plotly JSON outputs into self-contained HTML."""

        def preprocess(self, nb, resources):
            nb, n = plotly_outputs_to_html(drop_stderr(nb))
            resources["impact_figures"] = n
            return nb, resources

    return ImpactReportPreprocessor


def to_html(
    executed_nb: Path | NotebookNode,
    *,
    title: str,
    banner: str | None = None,
    footer: str | None = None,
    lang: str = "en",
) -> str:
    """Render an executed notebook as one self-contained HTML page (see the module docstring).

    No code, no prompts, no stderr; cells tagged ``parameters``, ``injected-parameters`` or
    ``remove`` are dropped; images embedded; plotly.js inlined once. ``banner`` is shown at
    the top (e.g. :data:`INTERNAL_BANNER`), ``footer`` at the end (e.g. :func:`stamp_text`);
    ``lang`` is the page's language (``<html lang>``).
    """
    import nbformat

    nb = (
        nbformat.read(Path(executed_nb), as_version=4)
        if isinstance(executed_nb, str | Path)
        else copy.deepcopy(executed_nb)
    )
    nb.metadata["title"] = title
    resources = {
        "impact_banner": banner,
        "impact_footer": footer,
        "impact_page_margin": page_margin_css(),
    }
    body, _ = _html_exporter().from_notebook_node(nb, resources=resources)
    # <html lang="…">: screen readers and hyphenation follow it (the exporter's own setting is
    # process-wide; the exporter is shared)
    return body.replace('<html lang="en">', f'<html lang="{lang}">', 1)


@functools.cache
def _html_exporter() -> Any:
    """The configured exporter, built once per process (compiling its templates takes ≈ 0.3 s)."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        sanitize_html=False,  # sanitising would strip plotly's scripts
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags=set(REMOVE_CELL_TAGS), enabled=True), enabled=True
    )
    exporter.register_preprocessor(_report_preprocessor()(), enabled=True)
    return exporter


_LOAD_ATTRS = {"src", "srcset", "data", "poster", "background", "lowsrc", "dynsrc", "longdesc", "manifest"}
_CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""", re.IGNORECASE)
_CDN_HOST = re.compile(
    r"(^|\.)(cdn\.plot\.ly|cdnjs\.cloudflare\.com|jsdelivr\.net|unpkg\.com|ajax\.googleapis\.com|"
    r"fonts\.googleapis\.com|fonts\.gstatic\.com|code\.jquery\.com|bootstrapcdn\.com|polyfill\.io|"
    r"mathjax\.org|cdn\.[a-z0-9.-]+)$"
)


def _loads_from_outside(url: str) -> bool:
    """True for a resource URL that is not inside the page (http(s), protocol-relative, relative file)."""
    url = url.strip()
    if not url or url.startswith("#"):
        return False
    scheme = urlsplit(url).scheme.lower()
    return scheme not in {"data", "blob", "about", "javascript"}


class _OfflineChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.offending: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            urls: list[str] = []
            if name in _LOAD_ATTRS:
                urls = [u.split()[0] for u in value.split(",") if u.strip()] if name == "srcset" else [value]
            elif name in {"href", "xlink:href"} and tag in {"link", "base", "image", "use"}:
                urls = [value]
            elif name == "href" and tag == "a":
                host = urlsplit(value.strip()).hostname or ""
                if _CDN_HOST.search(host):
                    self.offending.append(f'<a href="{value}"> (link to a CDN)')
                continue
            elif name == "style":
                urls = _CSS_URL.findall(value)
            elif name == "content" and tag == "meta" and "url=" in value.lower():
                urls = [value.lower().split("url=", 1)[1]]
            for url in urls:
                if _loads_from_outside(url):
                    self.offending.append(f'<{tag} {name}="{url}">')
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.offending += [f"<style> url({u})" for u in _CSS_URL.findall(data) if _loads_from_outside(u)]


def check_offline(html_text: str) -> list[str]:
    """References in an HTML page that would load something from outside it; empty when self-contained.

    Flags ``src``/``srcset``/… attributes, ``<link href>``, CSS ``url(…)``/``@import`` and meta
    refreshes pointing anywhere but ``data:``/``blob:``/``#`` (remote URLs, and relative files,
    which an e-mailed page would not have), and ``<a href>`` links to CDN hosts. Script bodies
    are not parsed (see :func:`page_requests` for what a browser actually requests). Pure.

    >>> check_offline('<script src="https://cdn.plot.ly/plotly.js"></script><a href="https://x.org">x</a>')
    ['<script src="https://cdn.plot.ly/plotly.js">']
    """
    checker = _OfflineChecker()
    checker.feed(html_text)
    checker.close()
    return checker.offending


def count_plotly_bundles(html_text: str) -> int:
    """How many copies of the plotly.js bundle an HTML page inlines (its ``plotly.js vX.Y.Z`` banner)."""
    return len(re.findall(r"\*\s*plotly\.js v\d+\.\d+\.\d+", html_text))
