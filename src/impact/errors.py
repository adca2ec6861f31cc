"""Every error the suite raises on purpose, in one place (the command line maps them to exit codes).

Input problems (a file, a parameter, a secret, reference data) are the user's to fix and end
in one line naming what is wrong; :class:`ContractError` and :class:`AccountingError` are bugs
in the suite (a processed table breaks its schema, a raw row went missing) and are never
caused by bad input alone.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "AccountingError",
    "ClusterError",
    "ContractError",
    "InputError",
    "ParameterError",
    "ReferenceDataError",
    "ReportError",
    "SecretError",
]


class InputError(Exception):
    """A raw input the suite cannot read; the message names the file (and row/column where known)."""


class SecretError(Exception):
    """No usable pseudonymisation secret."""


class ParameterError(ValueError):
    """A parameter is not valid; the message says which values are."""


class ReferenceDataError(Exception):
    """Reference data cannot answer a question (a district or month it does not cover)."""


class ContractError(Exception):
    """A processed table breaks the processed-data contract (a bug, not bad input)."""


class AccountingError(Exception):
    """Raw rows are not all accounted for: read ≠ clean + quarantined + duplicate (a bug, not bad input)."""


class ClusterError(RuntimeError):
    """The Dask cluster could not finish the work (workers died, most often out of memory)."""


class ReportError(Exception):
    """A report could not be produced; the message says which, where and why.

    ``partial`` is the partial (or executed) notebook to look at, when there is one;
    ``cell_index`` the failing cell of the executed notebook, for an execution error.
    """

    def __init__(self, message: str, *, partial: Path | None = None, cell_index: int | None = None):
        super().__init__(message)
        self.partial = partial
        self.cell_index = cell_index

    def __reduce__(self):  # picklable across the process pool, keyword attributes included
        return (_rebuild_report_error, (str(self), self.partial, self.cell_index))


def _rebuild_report_error(message: str, partial: Path | None, cell_index: int | None) -> ReportError:
    return ReportError(message, partial=partial, cell_index=cell_index)
