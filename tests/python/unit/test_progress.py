"""hvc.progress: what a long job prints as its steps finish."""

from __future__ import annotations

from hvc.progress import StderrProgress


def test_stderr_progress_prints_step_and_elapsed(capsys) -> None:
    StderrProgress()("edd.payments", 2, 9)
    assert "[2/9] edd.payments (" in capsys.readouterr().err
