"""Not code: this folder's notebooks and manifest are package data of ``impact.notebooks``.

``pyproject.toml`` maps the package ``impact.notebooks`` onto this folder, so that an installed
wheel carries the report notebook and ``runs.toml`` (``impact report`` finds them with
:mod:`importlib.resources`). Edit the notebooks as their jupytext ``.py`` pairs.
"""
