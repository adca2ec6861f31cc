# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Smoke report
#
# A tiny notebook for `tests/test_report.py`: a table, two plotly figures, a line on stderr.

# %% tags=["parameters"]
processed_dir = ""  # absolute path of the processed folder (unused here)
cohort = "sukabumi-2023"  # cohort code
confederation = "all"  # confederation code, or "all"
audience = "public"  # "public" or "internal"
title = ""  # "fail" makes the next cell raise (tests the failure path)

# %%
# ruff: noqa: E402  (a notebook: the imports follow the parameters cell)
import sys  # SMOKE-CODE-MARKER

import pandas as pd
import plotly.graph_objects as go

# %%
if title == "fail":
    raise RuntimeError(f"smoke failure requested for {cohort}/{confederation}")
print("SMOKE-STDERR-MARKER: this line goes to stderr", file=sys.stderr)
print(f"Report for {cohort}, {confederation}, {audience}.")

# %% [markdown]
# ## A table

# %%
pd.DataFrame({"group": ["female", "male"], "n": [12, 9], "recovered_rate": [0.5, 0.33]})

# %% [markdown]
# ## Two charts

# %%
go.Figure(
    go.Bar(x=["female", "male"], y=[12, 9], name="participants"),
    layout={"title": {"text": "Participants by gender"}},
).show()

# %%
go.Figure(
    [
        go.Scatter(x=[1, 2, 3, 4], y=[0.2, 0.35, 0.5, 0.55], mode="lines+markers", name="female"),
        go.Scatter(x=[1, 2, 3, 4], y=[0.1, 0.3, 0.4, 0.5], mode="lines+markers", name="male"),
    ],
    layout={"title": {"text": "Recovery rate by month"}, "yaxis": {"tickformat": ".0%"}},
)
