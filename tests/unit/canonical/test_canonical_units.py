"""Go durations, byte sizes and float formatting, checked against values the reference binary printed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pycompose.loader.units import format_duration, format_go_float, normalize_duration, parse_bytes, parse_duration


@pytest.mark.parametrize(
    ("text", "printed"),
    [("90s", "1m30s"), ("1h", "1h0m0s"), ("1.5h", "1h30m0s"), ("-1s", "-1s"), ("1h1h", "2h0m0s"),
     ("500ms", "500ms"), ("0.5s", "500ms"), ("1500ms", "1.5s"), ("1h2m3s", "1h2m3s"), ("250ms", "250ms"),
     ("100us", "100µs"), ("0", "0s"), ("120s", "2m0s")],
)
def test_duration_reprinted_as_go(text: str, printed: str) -> None:
    assert normalize_duration(text) == printed


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_printed_duration_parses_back(ns: int) -> None:
    assert parse_duration(format_duration(ns)) == ns


@pytest.mark.parametrize(
    ("text", "size"),
    [("1g", 1 << 30), ("512m", 512 << 20), ("10 MB", 10 << 20), ("10KiB", 10240), ("1.5g", 1610612736),
     ("2gb", 2 << 30), ("1000", 1000), (1073741824, 1073741824), ("64M", 64 << 20), ("10b", 10)],
)
def test_sizes_as_go_units(text: object, size: int) -> None:
    assert parse_bytes(text) == size


@pytest.mark.parametrize(
    ("value", "printed"),
    [(1.1, "1.1"), (1000.0, "1000"), (1e6, "1e+06"), (123456.0, "123456"), (1234567.0, "1.234567e+06"),
     (0.0001, "0.0001"), (0.00001, "1e-05"), (2.5, "2.5"), (-1.0, "-1"), (1e21, "1e+21")],
)
def test_float_formatted_as_go_g(value: float, printed: str) -> None:
    assert format_go_float(value) == printed
