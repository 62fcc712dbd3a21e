"""The knee criterion of the rate benchmark: how fast a lag grows over the second half of producing."""

from __future__ import annotations

from local.run import lag_growth


def test_a_lag_that_keeps_up_has_no_growth_whatever_the_cold_start():
    # 300 events of cold-start lag in the first half, then 40/50 alternating (one batch in flight): the
    # alternation is symmetric about the middle of the second half, so its slope is exactly zero.
    samples = [(t, 300) for t in range(0, 30)] + [(t, 40 + (t % 2) * 10) for t in range(30, 61)]
    assert lag_growth(samples, duration=60) == 0.0


def test_a_lag_that_grows_reports_its_slope():
    samples = [(t / 2, 250 * t / 2) for t in range(0, 121)]
    assert lag_growth(samples, duration=60) == 250.0


def test_too_few_samples_in_the_second_half_give_no_figure():
    assert lag_growth([(1.0, 5), (40.0, 10), (50.0, 12)], duration=60) is None
