"""The one Go duration parser (loader/units.py) and the contracts of its wrappers: bind (seconds, numbers are
seconds), logs --since/--until (seconds or None), pull_policy every_<duration> (plus days and weeks)."""

from __future__ import annotations

import pytest

from pycompose import bind, logs
from pycompose.errors import ConfigError
from pycompose.images import pull
from pycompose.loader.units import duration_seconds, parse_duration


def test_days_and_weeks_only_where_asked_for():
    assert parse_duration("1w2d3h", days=True) == (7 + 2) * 86400 * 10**9 + 3 * 3600 * 10**9
    with pytest.raises(ConfigError, match='time: unknown unit "d" in duration "2d"'):
        parse_duration("2d")


@pytest.mark.parametrize("text, seconds", [
    ("90s", 90), ("1m30s", 90), ("500ms", 0.5), ("1.5h", 5400), ("-5m", -300), ("+1s", 1), ("0", 0),
    (".5s", 0.5), ("1µs", 1e-6), ("x", None), ("", None), ("5", None), ("1d", None), ("1s ", None),
])
def test_duration_seconds(text, seconds):
    assert duration_seconds(text) == seconds


def test_bind_reads_seconds_and_reports_go_messages():
    assert bind.parse_duration("1m30s") == 90
    assert bind.parse_duration(10) == 10.0 and bind.parse_duration(2.5) == 2.5
    with pytest.raises(ConfigError, match='time: missing unit in duration "10"'):
        bind.parse_duration("10")


def test_logs_since_accepts_go_durations_only():
    assert logs.go_duration("-1.5h") == -5400
    assert logs.go_duration("1h30m") == 5400
    assert logs.go_duration("1d") is None
    assert logs.go_duration("2024-05-01") is None


def test_logs_zero_is_a_unix_timestamp_not_a_duration():
    assert logs.engine_timestamp("0", now=100.0) == "0"
    assert logs.engine_timestamp("10s", now=100.0) == "90.000000000"


@pytest.mark.parametrize("text, seconds", [
    ("2d", 172800), ("1w", 604800), ("1d12h", 129600), ("1.5d", 129600), ("90s", 90), ("12h", 43200),
    ("soon", None), ("", None), ("2", None), ("2y", None),
])
def test_pull_policy_durations_add_days_and_weeks(text, seconds):
    assert pull.parse_duration(text) == seconds


def test_every_with_a_bad_duration_is_a_config_error_on_the_service():
    with pytest.raises(ConfigError, match="invalid pull_policy 'every_2y'") as raised:
        pull.parse_policy("every_2y", name="web")
    assert raised.value.keys == ("services", "web", "pull_policy")
