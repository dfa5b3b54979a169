"""canonicalize never lets a non-pycompose exception escape, whatever shape a value has."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pycompose.errors import ConfigError
from pycompose.loader.canonical import CanonicalContext, canonicalize
from pycompose.loader.canonical_service import SERVICE_KEYS

CTX = CanonicalContext(project_name="test", working_dir="/PROJECT", home_dir="/home/user",
                       read_env_file=lambda path: {})

scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 70000), st.floats(allow_nan=False, width=32),
                    st.sampled_from(["", "a", "80:80", "1g", "10s", "./x:/y:ro", "a=b", "all", "service:b"]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                        st.dictionaries(st.sampled_from(
                                                            ["target", "source", "type", "test", "count",
                                                             "condition", "soft", "limits", "cpus", "size"]),
                                                            inner, max_size=3)), max_leaves=6)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(SERVICE_KEYS), values, max_size=4))
def test_odd_service_values_raise_only_config_errors(service: dict) -> None:
    try:
        result = canonicalize({"services": {"a": service}}, CTX)
    except ConfigError:
        return
    assert list(result) == sorted(result)
