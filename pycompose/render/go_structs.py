"""The compose model as Go structs: which objects are structs (field order kept, `x-*` keys not theirs), which
are maps, and the few types with a YAML form of their own. Shared by the YAML renderer (`goyaml`) and the config
hash (`hashing`), which strips `x-*` keys as encoding/json does; kept apart so that hashing does not import the
renderer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Plain classes, not dataclasses: these are constant tables read on every `up` (for the config hash), and a
# frozen dataclass costs a millisecond of start-up each to create.


class Struct:
    """A Go struct: `fields` maps a JSON key to its type."""

    __slots__ = ("fields", "values", "nullable", "untagged")

    def __init__(self, fields: Mapping[str, Any] | None = None, *, values: frozenset[str] = frozenset(),
                 nullable: frozenset[str] = frozenset(), untagged: bool = False) -> None:
        self.fields: Mapping[str, Any] = fields or {}
        self.values = values
        """Non-pointer struct fields: JSON prints them even when empty, yaml.v3's omitempty drops them."""
        self.nullable = nullable
        """Fields JSON prints as null (`json:"command"`), yaml.v3's omitempty drops when nil."""
        self.untagged = untagged
        """Fields without tags: JSON uses the Go name (`Path`), yaml.v3 its lower case (`path`)."""


class Map:
    """A Go map: keys re-sorted, every value of the type `values`."""

    __slots__ = ("values",)

    def __init__(self, values: Any = None) -> None:
        self.values = values


class List:
    """A Go slice of `items`."""

    __slots__ = ("items",)

    def __init__(self, items: Any = None) -> None:
        self.items = items


class Custom:
    """A type with a YAML form of its own (a Go MarshalYAML method): `render` names it (`env_file`, `ulimit`)."""

    __slots__ = ("render",)

    def __init__(self, render: str) -> None:
        self.render = render


def _s(**fields: Any) -> dict[str, Any]:
    return fields


_STRINGS = List()
_MAP = Map()
_HOOK = Struct(_s(environment=_MAP), nullable=frozenset({"command"}))
_FILE_REF = Struct()
_DEVICE_REQUEST = Struct(_s(options=_MAP))
_RESOURCE = Struct(
    _s(
        devices=List(_DEVICE_REQUEST),
        generic_resources=List(Struct(_s(discrete_resource_spec=Struct()))),
    )
)
_UPDATE = Struct()
_THROTTLE = List(Struct(untagged=True))
_BUILD = Struct(
    _s(
        args=_MAP,
        labels=_MAP,
        additional_contexts=_MAP,
        secrets=List(_FILE_REF),
        ulimits=Map(Custom("ulimit")),
    )
)
_SERVICE = Struct(
    _s(
        annotations=_MAP,
        build=_BUILD,
        develop=Struct(
            _s(watch=List(Struct(_s(exec=_HOOK), values=frozenset({"exec"}))))
        ),
        blkio_config=Struct(
            _s(
                weight_device=_THROTTLE,
                device_read_bps=_THROTTLE,
                device_read_iops=_THROTTLE,
                device_write_bps=_THROTTLE,
                device_write_iops=_THROTTLE,
            )
        ),
        configs=List(_FILE_REF),
        credential_spec=Struct(),
        depends_on=Map(Struct()),
        deploy=Struct(
            _s(
                labels=_MAP,
                update_config=_UPDATE,
                rollback_config=_UPDATE,
                resources=Struct(_s(limits=_RESOURCE, reservations=_RESOURCE)),
                restart_policy=Struct(),
                placement=Struct(_s(preferences=List(Struct()))),
            ),
            values=frozenset({"resources", "placement"}),
        ),
        devices=List(Struct()),
        provider=Struct(_s(options=_MAP)),
        environment=_MAP,
        env_file=List(Custom("env_file")),
        extends=Struct(),
        gpus=List(_DEVICE_REQUEST),
        healthcheck=Struct(),
        labels=_MAP,
        logging=Struct(_s(options=_MAP)),
        log_opt=_MAP,
        models=Map(Struct()),
        networks=Map(Struct(_s(driver_opts=_MAP))),
        ports=List(Struct()),
        secrets=List(_FILE_REF),
        storage_opt=_MAP,
        sysctls=_MAP,
        ulimits=Map(Custom("ulimit")),
        volumes=List(
            Struct(
                _s(
                    bind=Struct(),
                    volume=Struct(_s(labels=_MAP)),
                    tmpfs=Struct(),
                    image=Struct(),
                )
            )
        ),
        post_start=List(_HOOK),
        pre_stop=List(_HOOK),
    ),
    nullable=frozenset({"command", "entrypoint"}),
)
_NETWORK = Struct(
    _s(
        driver_opts=_MAP,
        ipam=Struct(_s(config=List(Struct(_s(aux_addresses=_MAP))))),
        labels=_MAP,
    ),
    values=frozenset({"ipam"}),
)
_VOLUME = Struct(_s(driver_opts=_MAP, labels=_MAP))
_FILE_OBJECT = Struct(_s(labels=_MAP, driver_opts=_MAP))
_MODEL = Struct()
PROJECT_SECTIONS = (
    ("services", Map(_SERVICE)),
    ("networks", Map(_NETWORK)),
    ("volumes", Map(_VOLUME)),
    ("secrets", Map(_FILE_OBJECT)),
    ("configs", Map(_FILE_OBJECT)),
    ("models", Map(_MODEL)),
)


def strip(value: Any, spec: Any) -> Any:
    if isinstance(spec, Struct) and isinstance(value, Mapping):
        return {
            key: strip(item, spec.fields.get(key))
            for key, item in value.items()
            if not (isinstance(key, str) and key.startswith("x-"))
        }
    if isinstance(spec, Map) and isinstance(value, Mapping):
        return {key: strip(item, spec.values) for key, item in value.items()}
    if isinstance(spec, List) and isinstance(value, (list, tuple)):
        return [strip(item, spec.items) for item in value]
    return value


_KINDS = {
    "service": _SERVICE,
    "network": _NETWORK,
    "volume": _VOLUME,
    "secret": _FILE_OBJECT,
    "config": _FILE_OBJECT,
}


def without_extensions(obj: Mapping[str, Any], kind: str) -> dict[str, Any]:
    """A service/network/volume/secret/config without the `x-*` keys of its Go structs (what JSON sees)."""
    return strip(obj, _KINDS[kind])
