"""Pull policies and what `up` pulls or builds first (values in, decisions out)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pycompose.errors import ConfigError
from pycompose.images.pull import (
    LocalImage,
    PullPolicy,
    local_image,
    must_pull,
    parse_duration,
    parse_policy,
    plan_builds,
    plan_pulls,
)
from pycompose.model import Service
from pycompose.observed import ObservedImage

NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)


def _service(name: str, **config) -> Service:
    return Service(name=name, config=config, image=config.get("image") or f"p-{name}")


@pytest.mark.parametrize("value, kind, seconds", [
    (None, PullPolicy.MISSING, None), ("if_not_present", PullPolicy.MISSING, None),
    ("always", PullPolicy.ALWAYS, None), ("never", PullPolicy.NEVER, None), ("build", PullPolicy.BUILD, None),
    ("daily", PullPolicy.REFRESH, 86400), ("weekly", PullPolicy.REFRESH, 604800),
    ("every_12h", PullPolicy.REFRESH, 43200), ("every_1h30m", PullPolicy.REFRESH, 5400),
    ("every_2d", PullPolicy.REFRESH, 172800),
])
def test_policies_parse(value, kind, seconds):
    policy = parse_policy(value)
    assert (policy.kind, policy.refresh_seconds) == (kind, seconds)


@pytest.mark.parametrize("value", ["sometimes", "every_", "every_soon"])
def test_unknown_policies_are_config_errors(value):
    with pytest.raises(ConfigError, match="invalid pull_policy"):
        parse_policy(value, name="web")


def test_durations():
    assert parse_duration("90s") == 90
    assert parse_duration("1w") == 604800
    assert parse_duration("x") is None


def test_refresh_pulls_when_missing_or_older_than_the_period():
    daily = parse_policy("daily")
    assert must_pull(daily, None, NOW)
    assert must_pull(daily, LocalImage("i", NOW - timedelta(days=2)), NOW)
    assert not must_pull(daily, LocalImage("i", NOW - timedelta(hours=1)), NOW)
    assert must_pull(daily, LocalImage("i", None), NOW)


def test_up_pulls_per_policy_and_never_pulls_an_image_it_builds():
    services = (
        _service("a", image="busybox:1"),                         # missing → pull
        _service("b", image="busybox:1"),                         # same image: pulled once
        _service("c", image="alpine:1", pull_policy="always"),    # present but always
        _service("d", image="debian:1", pull_policy="never"),
        _service("e", build={"context": "."}),                    # no image: → built, never pulled
    )
    local = {"alpine:1": LocalImage("x")}
    assert [s.name for s in plan_pulls(services, local, now=NOW)] == ["a", "c"]
    assert [s.name for s in plan_pulls(services, local, now=NOW, pull="never")] == []
    assert plan_builds(services, local) == ("e",)
    assert plan_builds(services, local, no_build=True) == ()


def test_up_build_rebuilds_present_images_and_skips_their_pull():
    services = (_service("w", image="me/w:1", build={"context": "."}),
                _service("x", build={"context": "."}, pull_policy="build"))
    local = {"me/w:1": LocalImage("1"), "p-x": LocalImage("2")}
    assert plan_builds(services, local) == ("x",)
    assert plan_builds(services, local, build=True) == ("w", "x")
    assert plan_pulls(services, {}, now=NOW, build=True) == ()


def test_local_image_reads_the_last_tag_time():
    image = local_image(ObservedImage("sha256:1", last_tagged="2025-06-01T10:00:00.123456789Z"))
    assert image == LocalImage("sha256:1", datetime(2025, 6, 1, 10, tzinfo=UTC))
    assert local_image(ObservedImage("i", last_tagged="0001-01-01T00:00:00Z")).last_tagged is None
    assert local_image(None) is None
