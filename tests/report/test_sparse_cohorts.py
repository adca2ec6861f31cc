"""Reports never fail on thin data: generated cohorts (0–60 people, missing waves, no platform data,
a confederation of one) go through the real pipeline — clean, the report notebook, the Excel
annex — and every section degrades to a sentence instead of failing; the written public report
and annex pass the disclosure audit."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from impact.clean import clean
from impact.cli import main
from impact.config import ReportParams
from impact.io import write_processed
from impact.publish.annex import annex_tables
from impact.qa.release_audit import audit_release
from impact.report.manifest import bundled_notebook
from impact.report.run import run_reports
from impact.synth.cohort import CohortPlan, write_cohort_folder

SPELLINGS = ("KSPSI Rekonsiliasi", "KSPSI CAITU", "Konfederasi Sarbumusi", "K-SBSI", "KSPN", "Serikat Lain")


@st.composite
def plans(draw) -> CohortPlan:
    chosen = draw(st.lists(st.sampled_from(SPELLINGS), min_size=1, max_size=5, unique=True))
    sizes = [draw(st.integers(1, 15)) for _ in chosen]
    while sum(sizes) > 60:
        sizes = [max(1, n // 2) for n in sizes]
    people = sum(sizes)
    waves = draw(st.lists(st.sampled_from(["m3", "m6", "m12"]), min_size=1, max_size=3, unique=True))
    return CohortPlan(
        code="gen-2025",
        prefix="GEN25",
        confederations=dict(zip(chosen, sizes, strict=True)),
        waves={w: draw(st.integers(0, people)) for w in waves},
        female_share=draw(st.sampled_from([0.0, 0.3, 1.0])),
        sales=draw(st.booleans()),
        seed=draw(st.integers(0, 2**16)),
    )


def _report(plan: CohortPlan) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_cohort_folder(root / "raw", plan)
        data = clean(root / "raw")
        write_processed(data, root / "processed")
        for audience in ("public", "internal"):
            tables, notes = annex_tables(data, plan.code, audience)
            assert tables
            assert len(notes)
        summary = run_reports(
            [ReportParams(plan.code, audience="public")],
            notebook=bundled_notebook(),
            processed_dir=root / "processed",
            reports_dir=root / "reports",
            jobs=1,
            pdf=False,
            progress=None,
            annexes=lambda cohort, audience, lang: annex_tables(data, cohort, audience, lang=lang),
        )
        assert not summary.failed, summary.failed[0][1]
        # the written public report and annex give nothing hidden away
        audit = audit_release(root / "reports")
        assert len(audit.files) == 2
        assert audit.findings == [], [f.line() for f in audit.findings]


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(
    CohortPlan(
        code="gen-2025", prefix="GEN25", confederations={"KSPN": 2, "K-SBSI": 1}, waves={"m3": 2}, sales=False
    )
)
@example(CohortPlan(code="gen-2025", prefix="GEN25", confederations={"KSPN": 1}, waves={"m3": 1}))
@example(
    CohortPlan(code="gen-2025", prefix="GEN25", confederations={"KSPN": 6, "Sarbumusi": 1}, waves={"m3": 0})
)
@example(
    CohortPlan(
        code="gen-2025",
        prefix="GEN25",
        confederations={"KSPN": 20, "KSBSI": 20, "Sarbumusi": 19, "Rekon": 1},
        waves={"m3": 50, "m6": 40, "m12": 5},
        sales=False,
    )
)
@given(plans())
def test_the_real_report_runs_on_any_cohort(plan):
    _report(plan)


def test_a_cohort_without_participants_cleans_and_the_report_says_there_is_nothing(tmp_path, capsys):
    raw = tmp_path / "raw"
    write_cohort_folder(raw, CohortPlan(code="none-2025", prefix="NON25", confederations={}, waves={"m3": 0}))
    data = clean(raw)
    assert len(data.participants) == 0
    write_processed(data, tmp_path / "processed")
    assert main(["report", str(tmp_path / "processed"), "--no-pdf", "--out", str(tmp_path / "reports")]) == 2
    assert "no cohort to report on" in capsys.readouterr().err
