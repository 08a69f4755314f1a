"""Fitting shots to spoken lines and to the brief's duration."""

from __future__ import annotations

import numpy as np
import pytest

from studio.render.timing import (
    END_CARD_S,
    MAX_RATE,
    MIN_END_CARD_S,
    MIN_SHOT_S,
    VOICE_LEAD_S,
    VOICE_TAIL_S,
    fit_timing,
    speed_up,
    trim_silence,
)

PAD = VOICE_LEAD_S + VOICE_TAIL_S


def test_plan_that_fits_keeps_the_total_and_holds_every_line() -> None:
    planned = [2.0, 3.0, 4.0, 3.0, 3.0]
    speech = [1.2, 2.0, 2.5, None, 1.0]
    fit = fit_timing(planned, speech, 15.0)
    assert fit.total_s == pytest.approx(15.0, abs=1e-6)
    assert sum(fit.shot_lengths) == pytest.approx(15.0, abs=1e-6), "storyboard lengths include the end card"
    assert fit.end_card_s == END_CARD_S
    for d, s in zip(fit.durations[:-1], speech[:-1], strict=True):
        assert d >= (s or 0) + PAD - 1e-9 and d >= MIN_SHOT_S
    assert fit.overflow == [0.0] * 5


def test_a_long_line_takes_time_from_the_other_shots() -> None:
    fit = fit_timing([3.0, 3.0, 3.0, 3.0, 3.0], [4.0, None, None, None, None], 15.0)
    assert fit.durations[0] >= 4.0 + PAD - 1e-9
    assert fit.total_s == pytest.approx(15.0, abs=1e-6)
    assert all(d < 3.0 for d in fit.durations[1:4])


def test_short_plan_is_stretched_to_the_brief() -> None:
    fit = fit_timing([1.5, 1.5, 3.0], [0.8, 0.8, 0.8], 10.0)
    assert fit.total_s == pytest.approx(10.0, abs=1e-6)


def test_stretch_limit_gives_the_rest_to_the_end_card() -> None:
    fit = fit_timing([1.0, 1.0, 3.0], [None, None, None], 20.0)
    assert fit.total_s == pytest.approx(20.0, abs=1e-6)
    assert fit.end_card_s > END_CARD_S


def test_last_line_may_run_over_the_end_card() -> None:
    fit = fit_timing([5.0, 3.0], [1.0, 2.5], 8.0)
    assert fit.total_s == pytest.approx(8.0, abs=1e-6)
    assert fit.durations[-1] + fit.end_card_s >= 2.5 + PAD - 1e-9
    assert fit.over_s == 0


def test_lines_that_cannot_fit_are_flagged_and_the_cut_runs_long() -> None:
    planned = [3.0, 3.0, 3.0]
    speech = [5.0, 1.0, 6.0]
    fit = fit_timing(planned, speech, 9.0)
    assert fit.end_card_s == MIN_END_CARD_S
    assert fit.total_s > 9.0
    assert fit.overflow[1] == 0.0
    assert fit.overflow[0] > 0 and fit.overflow[2] > 0
    assert sum(fit.overflow) == pytest.approx(fit.total_s - 9.0, abs=1e-6)


def test_speed_up_asks_for_what_the_overflow_needs_up_to_the_limit() -> None:
    speech = [3.0, 3.0, 3.0]
    fit = fit_timing([3.0, 3.0, 3.0], speech, 10.0)
    rate = speed_up(speech, fit)
    assert 1.0 < rate <= MAX_RATE
    faster = [s / rate for s in speech]
    assert fit_timing([3.0, 3.0, 3.0], faster, 10.0).over_s == 0
    hopeless = fit_timing([1.0, 1.0], [10.0, 10.0], 5.0)
    assert speed_up([10.0, 10.0], hopeless) == MAX_RATE
    assert speed_up([1.0], fit_timing([5.0], [1.0], 5.0)) == 1.0


def test_mismatched_inputs_are_refused() -> None:
    with pytest.raises(ValueError):
        fit_timing([1.0, 2.0], [None], 5.0)


def test_trim_silence_cuts_both_ends_and_reports_the_lead() -> None:
    sr = 22050
    tone = 0.3 * np.sin(2 * np.pi * 220 * np.arange(sr) / sr).astype(np.float32)
    padded = np.concatenate([np.zeros(sr // 2, np.float32), tone, np.zeros(sr, np.float32)])
    trimmed, lead = trim_silence(padded, sr)
    assert lead == pytest.approx(0.5, abs=0.02)
    assert len(trimmed) / sr == pytest.approx(1.0, abs=0.03)
