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

# %% [markdown] tags=["remove"]
# # Cohort report
# One cohort's income recovery, for its donor (`audience="public"`: small groups hidden) or for
# the programme team (`audience="internal"`). Everything shown comes from `impact.build`; the
# words come from the report's language catalogue (`lang="en"` or `"id"`), so the headings and
# sentences below are code cells. Run it with `impact report`, or change the parameters and run
# it here.

# %% tags=["parameters"]
processed_dir = "../data/sample/processed"  # folder written by `impact clean`
cohort = "sukabumi-2023"  # cohort code, e.g. "sukabumi-2023"
confederation = "all"  # "all" or one confederation code (kspsi_rek, kspsi_caitu, ksbsi, sarbumusi, kspn)
audience = "public"  # "public" (small groups hidden) or "internal" (everything shown, not for publication)
lang = "en"  # "en" (English) or "id" (Bahasa Indonesia)
recovery_threshold = 1.0  # recovered when income now / pre-layoff wage is at least this
partial_threshold = 0.5  # partially recovered at or above this ratio
min_cell_size = 5  # smallest group shown in a public report (5; strict: 10)
real_terms = False  # True: compare with the pre-layoff wage deflated by the CPI
as_of = None  # "YYYY-MM-DD" to ignore data after that date, or None for everything
title = ""  # report title; empty for the programme's

# %% tags=["remove"]
from IPython.display import Markdown, display

import impact

data = impact.load(processed_dir, orders=False)  # the report uses the monthly table, not each order
params = impact.ReportParams(
    cohort=cohort,
    confederation=confederation,
    audience=audience,
    lang=lang,
    recovery_threshold=recovery_threshold,
    partial_threshold=partial_threshold,
    min_cell_size=min_cell_size,
    real_terms=real_terms,
    as_of=as_of,
    title=title,
)
r = impact.build(data, params)
effect = r.impact()  # against a comparison group, when the cohort has one

# %%
display(Markdown(r.title_block()))

# %%
display(r.section("sec_summary"), Markdown(r.summary()))

# %%
if effect.available and effect.summary_sentence():
    display(Markdown(f"- {effect.summary_sentence()}"))

# %%
display(r.section("sec_participation", "sec_participation_intro"), r.participation())

# %%
display(*(r.profile(by=d) for d in r.dimensions))

# %%
display(
    r.section("sec_recovery", "sec_recovery_intro"),
    r.section("sec_over_time", "sec_over_time_intro", level=3),
)

# %%
r.trajectory_figure(by="gender")

# %%
if "confederation" in r.dimensions:
    display(r.trajectory_figure(by="confederation"))

# %%
display(r.section("sec_latest", level=3), r.recovery())

# %%
display(*(r.recovery(by=d) for d in r.dimensions))

# %%
if params.internal and "confederation" in r.dimensions:
    display(r.section("sec_conf_x_sex", level=3), r.recovery(by=["confederation", "gender"]))

# %%
display(r.section("sec_comparisons", "sec_comparisons_intro", level=3), r.comparisons())

# %%
display(r.section("sec_time", "sec_time_intro"), r.time_to_recovery())

# %%
r.survival_figure()

# %%
if effect.available:
    display(r.section("imp_sec", "imp_sec_intro"), effect.design())

# %%
if effect.available:
    display(effect.did("recovery_ratio"), effect.did("income_idr"))

# %%
if effect.available:
    display(effect.event_study_figure())

# %%
if effect.available:
    display(effect.balance())

# %%
display(r.section("sec_income_sources", "sec_income_sources_intro"), r.income_sources())

# %%
display(r.section("sec_reselling", "sec_reselling_intro"))

# %%
r.activity_figure()

# %%
r.commission_figure()

# %%
display(r.activity_table(), r.commission_table())

# %%
display(r.section("sec_targets", "sec_targets_intro"), r.targets())

# %%
display(r.section("sec_logframe", "sec_logframe_intro"), r.logframe())

# %%
display(r.section("sec_attrition", "sec_attrition_intro"), r.balance())

# %%
display(r.section("sec_quality", "sec_quality_intro"), r.data_quality())

# %%
if params.internal:
    display(r.quarantine_summary())

# %%
display(r.section("sec_methods"), Markdown(r.methods()))

# %%
display(r.section("sec_notes"), Markdown(r.notes_markdown()))

# %%
display(r.section("sec_legend"), Markdown(r.legend()))
