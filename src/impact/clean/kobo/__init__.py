"""KoboToolbox exports in any download layout → the XML-path frame the survey cleaning expects.

KoboToolbox writes its CSV and XLSX downloads with its export library *formpack*
(``formpack.reporting.export.Export``), whose layout depends on the options chosen in the
download dialog. What formpack writes, exactly (read from its source, and checked on real
exports in ``tests/data/kobo/``):

**Headers** (one per field of the form, in form order; repeat groups go to other sheets):

- *Value and header format* ``lang``: "XML values and headers" (``lang=False``) writes the
  question's XML name; "Labels" (``lang=None``, the plain ``label`` column) or a language
  (``lang="English (en)"``) writes its label in that language. A field or group with no label in
  that language gets its XML name (so ``start``, ``end``, ``__version__`` and an ``or_other``
  question's ``<name>_other`` keep their names). On a form whose only labels are
  ``label::<language>`` columns, "Labels" writes XML names. Notes are columns too (always blank).
- *Include groups in headers* (``hierarchy_in_labels``): on, the labels (or names) of the
  enclosing groups come first, joined with the *group separator* ``group_sep`` (``/`` by default;
  any text, e.g. ``-``): ``Data responden/Jenis kelamin``, ``respondent-gender``. Off, only the
  field's own label or name. Labels may themselves contain the separator (``Kabupaten/kota``).
  A geopoint's own column never gets the groups; its parts ``_<label>_latitude``,
  ``…_longitude``, ``…_altitude``, ``…_precision`` do. "Include media URLs" adds
  ``<header>_URL`` after a media question.
- ``select_multiple`` (``multiple_select``): ``summary`` writes one column with the selected
  options separated by single spaces; ``details`` one column per option, headed
  ``<field header><group_sep><option label or name>`` (the separator is used even with groups
  off; an option without a label in the language gets its name; ``or_other`` adds
  ``<field header>/other`` with a literal ``/``); ``both`` (the default) writes the summary and
  then the option columns. Option cells are ``1``/``0``, and blank in every column when the
  question was not answered.
- Metadata: ``start``/``end``/``today``/… are fields (moved to the top of the form),
  ``__version__`` is a calculate field KoboToolbox adds on deployment; then the copy fields
  ``_id``, ``_uuid``, ``_submission_time``, ``_validation_status``, ``_notes``, ``_status``,
  ``_submitted_by``, ``_tags`` and ``_index`` (a running number), always under their names.
  Duplicate labels (two fields labelled ``Bulanan (Rp)`` in different groups, groups off) give
  duplicate headers.

**Values**: with labels, a ``select_one`` answer is its option's label in that language (the
name when the option has no label there, or when the answer is not an option of the form); a
``select_multiple`` summary is the options' labels joined with single spaces, in the order
stored (labels that contain spaces make this ambiguous: it is split back by matching whole
labels, and written back in the order of the choice list). XML values are option names.
``_validation_status`` is its label or uid. Other answers are written as stored.

**Files**: CSV is UTF-8 without BOM, ``;``-separated, every cell quoted (``"`` doubled), lines
ended by CRLF; XLSX has one sheet named after the form title (cut to 31 characters), cells as
text unless "store date and number responses as text" was unchecked (then numbers and dates are
typed, and ``start``/``end`` lose their UTC offset). An answer whose option is not in the form
makes formpack add a stray column in ``details``/``both`` layouts (a formpack bug: the CSV row
then has one field more than the header). A form with an ``hxl`` column gets a second header
row of hashtags: drop it (:func:`impact.clean.survey.drop_hxl_row`) before :func:`to_xml_frame`.

This module works on the header list and the frame only (no file access): :func:`map_headers`
finds which header is which field, trying every layout above for the form's languages;
:func:`identify_form` picks the form whose names or labels fit a file best; :func:`choice_names`
turns option labels back into names; :func:`to_xml_frame` does it all, giving columns named by
XML path (``respondent/gender``, ``income/sources``, ``income/sources/reseller``) with option names
as values, plus a :class:`KoboReport`. :func:`label_export_hint` says how to fix a label export
when no form definition is available.
"""

from __future__ import annotations

from impact.clean.kobo.choices import CHOICE_ISSUE_DTYPE, choice_names
from impact.clean.kobo.frames import KoboReport, label_export_hint, to_xml_frame
from impact.clean.kobo.headers import (
    KOBO_META_COLUMNS,
    MIN_FORM_SCORE,
    HeaderMapping,
    header_key,
    identify_form,
    map_headers,
)

__all__ = [
    "CHOICE_ISSUE_DTYPE",
    "KOBO_META_COLUMNS",
    "MIN_FORM_SCORE",
    "HeaderMapping",
    "KoboReport",
    "choice_names",
    "header_key",
    "identify_form",
    "label_export_hint",
    "map_headers",
    "to_xml_frame",
]
