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
# # Programme report
# The programme as a whole, for its donor (`audience="public"`: small groups hidden, and nothing a
# cohort's own report hides can be worked out from it) or for the programme team
# (`audience="internal"`). Every cohort is pooled by months since its training; everything shown
# comes from `programme_results`, the words from the report's language catalogue. Run it with
# `impact report --programme`, or change the parameters and run it here.

# %% tags=["parameters"]
processed_dir = "../data/sample/processed"  # folder written by `impact clean`
cohort = "programme"  # always "programme": the report covers every cohort
confederation = "all"  # always "all": the programme report covers every confederation
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
p = impact.programme_results(data, params)
effect = p.impact()

# %%
display(Markdown(p.title_block()))

# %%
display(p.section("sec_summary"), Markdown(p.summary()))

# %%
if effect.available and effect.summary_sentence():
    display(Markdown(f"- {effect.summary_sentence()}"))

# %%
display(p.section("prog_sec_cohorts", "prog_sec_cohorts_intro"), p.contributions())

# %%
display(p.section("sec_participation", "prog_sec_participation_intro"))

# %%
display(*(p.participation(by=d) for d in p.dimensions))

# %%
display(p.section("sec_recovery", "prog_sec_recovery_intro"), p.section("sec_over_time", level=3))

# %%
p.trajectory_figure()

# %%
p.trajectory_figure(by="gender")

# %%
display(*(p.recovery(wave=w) for w in p.answered_waves))

# %%
display(p.section("sec_by_sex", level=3), *(p.recovery(by="gender", wave=w) for w in p.answered_waves))

# %%
display(
    p.section("sec_by_confederation", level=3),
    *(p.recovery(by="confederation", wave=w) for w in p.answered_waves),
)

# %%
display(p.section("prog_sec_comparison"), p.cohort_comparison())

# %%
display(p.section("imp_sec", "imp_sec_intro"), effect.design())

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
display(p.section("sec_logframe", "prog_sec_logframe_intro"), p.logframe())

# %%
display(p.section("sec_methods"), Markdown(p.methods()))

# %%
display(p.section("sec_notes"), Markdown(p.notes_markdown()))

# %%
display(p.section("sec_legend"), Markdown(p.legend()))
