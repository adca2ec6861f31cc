"""Progress of ``impact clean``: a bar of the sales exports on a terminal, rows per second for long runs."""

from __future__ import annotations

import io

from impact import cli, console


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_bar_shows_exports_rows_and_speed_on_a_terminal():
    screen = Terminal()
    bar = console.ProgressBar(screen, started=0.0)
    bar(1_000_000, 1, 4)
    bar(2_000_000, 4, 4)
    shown = screen.getvalue()
    assert "[######..................] 1/4, 1,000,000 rows" in shown
    assert "rows/s" in shown
    assert "4/4, 2,000,000 rows" in shown
    assert "writing the tables" in shown
    bar.close()
    assert screen.getvalue().endswith("\r\x1b[K")


def test_no_bar_when_not_on_a_terminal():
    out = io.StringIO()
    bar = console.ProgressBar(out)
    bar(10, 1, 2)
    bar.close()
    assert out.getvalue() == ""


def test_speed_only_for_long_runs():
    assert console.speed_note(1_000_000, 1.0) == ""
    assert console.speed_note(10_000_000, 20.0) == " (10,000,000 rows read, 500,000 rows/s)"


def test_the_summary_line_of_a_long_run_has_rows_per_second(sample_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(console, "SPEED_AFTER_SECONDS", 0.0)
    assert cli.main(["clean", str(sample_dir / "raw"), "--out", str(tmp_path / "out")]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith(f"processed tables written to {tmp_path / 'out'} in ")
    assert "9,843 rows read" in last
    assert "rows/s)" in last
