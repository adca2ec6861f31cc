"""Running a report notebook with papermill in this process, one fresh kernel per report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from impact._text import first_line as _first_line
from impact.errors import ReportError
from impact.report.kernels import Kernel, start_kernel

if TYPE_CHECKING:  # heavy imports stay lazy: `impact --help` must not load nbconvert
    from nbformat import NotebookNode

__all__ = [
    "execute_notebook",
]

# --- executing a notebook ------------------------------------------------------------------------


def execute_notebook(
    notebook: Path,
    parameters: dict[str, Any],
    *,
    output: Path,
    kernel_name: str = "python3",
    timeout: int | None = 600,
    start_timeout: int = 180,
    metadata: dict[str, Any] | None = None,
    kernel: Kernel | None = None,
) -> Path:
    """Run a notebook with papermill in this process (one fresh kernel), writing it to ``output``.

    A ``.py``/``.md`` notebook is read with jupytext. ``timeout`` is per cell (seconds).
    ``metadata.jupytext`` is stripped from the result (no stray pairs in ``reports/``);
    ``metadata`` (e.g. a reproducibility stamp) is stored under ``metadata.impact``.
    ``kernel`` is a kernel already started with :func:`start_kernel` (its start overlapped with
    other work); it is shut down afterwards either way. A failing cell raises
    :class:`ReportError` naming the notebook, the cell index and the error, with the partial
    notebook kept at ``output``.
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    notebook, output = Path(notebook).resolve(), Path(output).resolve()
    try:
        if not notebook.is_file():
            raise ReportError(f"{notebook}: notebook not found")
        output.parent.mkdir(parents=True, exist_ok=True)
        source: str | NotebookNode = str(notebook)
        if notebook.suffix != ".ipynb":
            import jupytext

            source = jupytext.read(notebook)
        kernel = kernel or start_kernel(kernel_name, cwd=notebook.parent)
        pm.execute_notebook(
            source,
            str(output),
            parameters=parameters,
            kernel_name=kernel.name,
            km=kernel.km,
            start_timeout=start_timeout,
            execution_timeout=timeout,
            progress_bar=False,
            log_output=False,
            cwd=str(notebook.parent),
            request_save_on_cell_execute=False,  # saved once at the end (and on error): no per-cell rewrites
        )
    except ReportError:
        raise
    except PapermillExecutionError as e:
        _tidy_executed(output, notebook, metadata)
        where = f"cell {e.cell_index}" + (f" (In [{e.exec_count}])" if e.exec_count else "")
        line = next((s.strip() for s in (e.source or "").splitlines() if s.strip()), "")
        shown = f" `{line[:70]}`" if line else ""
        raise ReportError(
            f"{notebook.name}: {where}{shown} raised {e.ename}: {_first_line(e.evalue)} (partial notebook: {output})",
            partial=output,
            cell_index=e.cell_index,
        ) from None
    except Exception as e:  # kernel died, timeout, bad notebook: papermill and nbclient raise many types
        partial = output if output.is_file() else None
        if partial:
            _tidy_executed(output, notebook, metadata)
        raise ReportError(
            f"{notebook.name}: execution failed — {type(e).__name__}: {_first_line(str(e))}"
            + (f" (partial notebook: {partial})" if partial else ""),
            partial=partial,
        ) from e
    finally:
        if kernel is not None:
            kernel.shutdown()
    _tidy_executed(output, notebook, metadata)
    return output


def _tidy_executed(output: Path, notebook: Path, metadata: dict[str, Any] | None) -> None:
    import nbformat

    if not output.is_file():
        return
    nb = nbformat.read(output, as_version=4)
    nb.metadata.pop("jupytext", None)
    pm_meta = nb.metadata.get("papermill", {})
    if not isinstance(pm_meta.get("input_path"), str | None):  # a notebook object given to papermill
        pm_meta["input_path"] = str(notebook)
    if metadata:
        nb.metadata["impact"] = metadata
    nbformat.write(nb, output)
