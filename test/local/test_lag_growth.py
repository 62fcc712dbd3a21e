"""The knee criterion of the rate benchmark: how fast a lag grows over the second half of producing."""

from __future__ import annotations

from local.run import BatchEndSamples, lag_growth


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


def test_the_kafka_lag_is_sampled_only_where_a_batch_has_just_ended():
    # A steady pipeline: 5 s batches at 100 events/s, polled every second. Every poll's lag climbs the tooth
    # (100, 200, ... 500); as a batch ends it drops to what arrived while that batch ran.
    lag = BatchEndSamples()
    for t in range(0, 31):
        lag.observe(float(t), 100 * (t % 5) + 100, (t // 5,))
    assert lag.samples == [(5.0, 100), (10.0, 100), (15.0, 100), (20.0, 100), (25.0, 100), (30.0, 100)]
    assert lag_growth(lag.samples, duration=30) == 0.0


def test_a_batch_end_of_any_stream_takes_a_sample():
    lag = BatchEndSamples()
    lag.observe(0.0, 10, (-1, -1))
    lag.observe(1.0, 20, (-1, -1))
    lag.observe(2.0, 5, (0, -1))
    lag.observe(3.0, 7, (0, 0))
    lag.observe(4.0, 9, (0, 0))
    assert lag.samples == [(2.0, 5), (3.0, 7)]
