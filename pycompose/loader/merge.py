"""Merging compose documents the way Compose v2 does (compose-go `override/merge.go`, `override/uncity.go`).

Rules, by key path (`*` is any one key):

- mappings merge key by key; a key only the override has is taken as written; scalars: the override wins,
  but an override of `null` keeps the base (except for `command`, `entrypoint`, `healthcheck.test`);
- sequences are appended, then de-duplicated by an index key (the first position is kept, the later entry's
  value wins) for the paths listed in `_UNIQUE_KEYS`;
- special paths (`_SPECIAL_MERGERS`): list/map forms folded into one `k=v` sequence (environment, labels…),
  depends_on/networks/models merged per name, logging merged only for the same driver, build string→map,
  ulimits entries replaced, ipam config merged by subnet, command/entrypoint/healthcheck.test replaced;
- `!reset` (tags.Reset) removes the key from the base and the override; `!override` (tags.Override) replaces
  the base's value instead of merging with it.

The result carries no tags and shares no mutable structure with the inputs. The canonical stage must run
`enforce_unicity` again after converting short syntax to long syntax (v2 does, e.g. for port ranges).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from pycompose.errors import ConfigError
from pycompose.gofmt import go_scalar_type
from pycompose.gofmt import go_value as go_format
from pycompose.loader.tags import Override, Reset

Path = tuple[str, ...]
Merger = Callable[[Any, Any, Path], Any]


def merge(base: dict, override: dict) -> dict:
    """Merge one compose document over another (a later `-f` file over the earlier ones).

    Raises:
        ConfigError: a mapping is overridden by a non-mapping, or a sequence by a non-sequence
            (v2: `cannot override services.web.ports`), or a de-duplicated sequence holds an invalid entry.
    """
    if not isinstance(base, dict) or not isinstance(override, dict):
        raise ConfigError("Top-level object must be a mapping")
    return _merge_tagged(base, override, ())


def merge_service(base: dict, override: dict) -> dict:
    """Merge a service definition over the service it extends (same rules as `services.<name>` in `merge`)."""
    if not isinstance(base, dict) or not isinstance(override, dict):
        raise ConfigError("cannot override services.x")
    return _merge_tagged(base, override, ("services", "x"))


def enforce_unicity(doc: dict) -> dict:
    """De-duplicate the sequences v2 indexes (ports, volumes, dns, ...): later entries replace earlier ones.

    Returns a new document; call it after converting to long syntax too, as v2 does.
    """
    return _unique(copy.deepcopy(doc), ())


# --- tags -------------------------------------------------------------------------------------------------


def _merge_tagged(base: dict, override: dict, at: Path) -> dict:
    base = _strip(copy.deepcopy(base))
    tagged: list[Path] = []
    override = _collect_tags(copy.deepcopy(override), at, tagged)
    for path in tagged:
        _delete_path(base, path[len(at):])
    merged = _merge_values(base, override, at)
    return _unique(merged, at)


def _strip(value: Any) -> Any:
    """Drop `Reset` values and unwrap `Override` ones (a tag in a base has nothing left to act on)."""
    if isinstance(value, Override):
        return _strip(value.value)
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if not isinstance(v, Reset)}
    if isinstance(value, list):
        return [_strip(v) for v in value if not isinstance(v, Reset)]
    return value


def _collect_tags(value: Any, at: Path, tagged: list[Path]) -> Any:
    """Remove Reset entries, unwrap Override ones, and record the key paths of both (v2's ResetProcessor)."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            path = (*at, str(key))
            if isinstance(item, Reset):
                tagged.append(path)
                continue
            if isinstance(item, Override):
                tagged.append(path)
                out[key] = _strip(item.value)
                continue
            out[key] = _collect_tags(item, path, tagged)
        return out
    if isinstance(value, list):
        # v2 records sequence items too but never removes them from the base: only the item itself goes.
        return [_strip(item) if isinstance(item, Override) else _collect_tags(item, at, [])
                for item in value if not isinstance(item, Reset)]
    return value


def _delete_path(doc: Any, rel: Path) -> None:
    node = doc
    for key in rel[:-1]:
        if not isinstance(node, dict) or key not in node:
            return
        node = node[key]
    if isinstance(node, dict) and rel:
        node.pop(rel[-1], None)


# --- merging ----------------------------------------------------------------------------------------------


def _matches(path: Path, pattern: Path) -> bool:
    return len(path) == len(pattern) and all(p == "*" or p == k for k, p in zip(path, pattern))


def _merge_values(base: Any, override: Any, path: Path) -> Any:
    for pattern, merger in _SPECIAL_MERGERS:
        if _matches(path, pattern):
            return merger(base, override, path)
    if override is None:
        return base
    if isinstance(base, dict):
        if not isinstance(override, dict):
            raise ConfigError(f"cannot override {_dotted(path)}")
        return _merge_mappings(base, override, path)
    if isinstance(base, list):
        if not isinstance(override, list):
            raise ConfigError(f"cannot override {_dotted(path)}")
        return base + override
    return override


def _merge_mappings(base: dict, override: dict, path: Path) -> dict:
    for key, value in override.items():
        if key not in base:
            base[key] = value
            continue
        base[key] = _merge_values(base[key], value, (*path, str(key)))
    return base


def _replace(_base: Any, override: Any, _path: Path) -> Any:
    return override


def _merge_logging(base: Any, override: Any, path: Path) -> Any:
    """Options merge only when both sides name the same driver (or one names none); else the override wins."""
    if override is None:
        return base
    if not isinstance(base, dict) or not isinstance(override, dict):
        if isinstance(base, dict) or isinstance(override, dict):
            raise ConfigError(f"cannot override {_dotted(path)}: expected a mapping")
        return override
    if "driver" not in override or "driver" not in base or override["driver"] == base["driver"]:
        return _merge_mappings(base, override, path)
    return override


def _merge_build(base: Any, override: Any, path: Path) -> Any:
    """`build: ./dir` is `{context: ./dir}`; both forms then merge as mappings."""
    left, right = _build_mapping(base), _build_mapping(override)
    if left is None or right is None:
        return base if right is None and override is None else override
    return _merge_mappings(left, right, path)


def _build_mapping(value: Any) -> dict | None:
    if isinstance(value, str):
        return {"context": value}
    if isinstance(value, dict):
        return value
    return None


def _merge_depends_on(base: Any, override: Any, path: Path) -> Any:
    """A short-form override restates `condition: service_started, required: true` (v2 does so too)."""
    default = {"condition": "service_started", "required": True}
    return _merge_named(base, override, path, default)


def _merge_by_name(base: Any, override: Any, path: Path) -> Any:
    return _merge_named(base, override, path, None)


def _merge_named(base: Any, override: Any, path: Path, default: dict | None) -> Any:
    left = _as_mapping(base, path, default)
    right = _as_mapping(override, path, default)
    if left is None:
        return right if right is not None else override
    if right is None:
        return left
    return _merge_mappings(left, right, path)


def _as_mapping(value: Any, path: Path, default: dict | None) -> dict | None:
    if isinstance(value, dict):
        return value
    if isinstance(value, list):
        out: dict = {}
        for index, item in enumerate(value):
            if not isinstance(item, str):
                raise ConfigError(f"expected a string, got {_go_type(item)}", path=(*path, index))
            out[item] = dict(default) if default is not None else None
        return out
    return None


def _merge_extra_hosts(base: Any, override: Any, _path: Path) -> Any:
    """Both sides as sequences; override entries equal to a base entry are dropped, the rest appended."""
    left = _as_sequence(base)
    right = _as_sequence(override)
    return left + [entry for entry in right if entry not in left]


def _merge_to_sequence(base: Any, override: Any, _path: Path) -> Any:
    """`environment`, `labels`, ...: both sides as `k=v` sequences, appended (unicity then keeps the last)."""
    return _as_sequence(base) + _as_sequence(override)


def _as_sequence(value: Any) -> list:
    if isinstance(value, dict):
        seq: list[str] = []
        for key, item in value.items():
            if item is None:
                seq.append(str(key))
            elif isinstance(item, list):
                seq.extend(f"{key}={go_format(v)}" for v in item)
            else:
                seq.append(f"{key}={go_format(item)}")
        return sorted(seq)
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return [value]
    return []


def _merge_ulimit(_base: Any, override: Any, _path: Path) -> Any:
    """An entry of `ulimits` is replaced as a whole (int or `{soft, hard}`), never merged."""
    return override


def _merge_ipam_config(base: Any, override: Any, path: Path) -> Any:
    """Merge by subnet, following v2's algorithm step by step (including that an empty base keeps nothing)."""
    if not isinstance(base, list) or not isinstance(override, list):
        if override is None:
            return base
        raise ConfigError(f"unexpected type {_go_type(base if not isinstance(base, list) else override)}",
                          path=path)
    result: list[dict] = []
    for original in base:
        right = _as_ipam_entry(original, path)
        for entry in override:
            left = _as_ipam_entry(entry, path)
            if left.get("subnet") != right.get("subnet"):
                if not any(r.get("subnet") == left.get("subnet") for r in result):
                    result.append(left)
                    continue
            merged = _merge_mappings(right, left, path)
            index = next((i for i, r in enumerate(result) if r.get("subnet") == merged.get("subnet")), -1)
            if index >= 0:
                result[index] = merged
            else:
                result.append(merged)
    return result


def _as_ipam_entry(value: Any, path: Path) -> dict:
    if isinstance(value, dict):
        return value
    raise ConfigError(f"expected a mapping, got {_go_type(value)}", path=path)


_SPECIAL_MERGERS: tuple[tuple[Path, Merger], ...] = tuple(
    (tuple(pattern.split(".")), merger)
    for pattern, merger in (
        ("networks.*.ipam.config", _merge_ipam_config),
        ("networks.*.labels", _merge_to_sequence),
        ("volumes.*.labels", _merge_to_sequence),
        ("services.*.annotations", _merge_to_sequence),
        ("services.*.build", _merge_build),
        ("services.*.build.args", _merge_to_sequence),
        ("services.*.build.additional_contexts", _merge_to_sequence),
        ("services.*.build.extra_hosts", _merge_extra_hosts),
        ("services.*.build.labels", _merge_to_sequence),
        ("services.*.command", _replace),
        ("services.*.depends_on", _merge_depends_on),
        ("services.*.deploy.labels", _merge_to_sequence),
        ("services.*.dns", _merge_to_sequence),
        ("services.*.dns_opt", _merge_to_sequence),
        ("services.*.dns_search", _merge_to_sequence),
        ("services.*.entrypoint", _replace),
        ("services.*.env_file", _merge_to_sequence),
        ("services.*.label_file", _merge_to_sequence),
        ("services.*.environment", _merge_to_sequence),
        ("services.*.extra_hosts", _merge_extra_hosts),
        ("services.*.healthcheck.test", _replace),
        ("services.*.labels", _merge_to_sequence),
        ("services.*.logging", _merge_logging),
        ("services.*.models", _merge_by_name),
        ("services.*.networks", _merge_by_name),
        ("services.*.sysctls", _merge_to_sequence),
        ("services.*.tmpfs", _merge_to_sequence),
        ("services.*.ulimits.*", _merge_ulimit),
    )
)


# --- unicity ----------------------------------------------------------------------------------------------


def _unique(value: Any, path: Path) -> Any:
    if isinstance(value, dict):
        for key in list(value):
            value[key] = _unique(value[key], (*path, str(key)))
        return value
    if isinstance(value, list):
        for pattern, indexer in _UNIQUE_KEYS:
            if _matches(path, pattern):
                return _deduplicate(value, path, indexer)
    return value


def _deduplicate(seq: list, path: Path, indexer: Callable[[Any, tuple], Any]) -> list:
    out: list = []
    seen: dict[Any, int] = {}
    for index, entry in enumerate(seq):
        key = indexer(entry, (*path, index))
        if key in seen:
            out[seen[key]] = entry
        else:
            seen[key] = len(out)
            out.append(entry)
    return out


def _key_value_key(entry: Any, where: tuple) -> Any:
    if not isinstance(entry, str):
        raise ConfigError(f"unexpected type {_go_type(entry)}", path=where)
    return entry.split("=", 1)[0]


def _volume_key(entry: Any, where: tuple) -> Any:
    if isinstance(entry, dict):
        target = entry.get("target")
        if not isinstance(target, str):
            raise ConfigError("service volume is missing a mount target", path=where)
        return target
    if isinstance(entry, str):
        return volume_target(entry, where)
    return ("", None)


def _device_key(entry: Any, where: tuple) -> Any:
    if isinstance(entry, dict):
        target = entry.get("target")
        if not isinstance(target, str):
            raise ConfigError("service device is missing a mount target", path=where)
        return target
    if isinstance(entry, str):
        parts = entry.split(":")
        return parts[0] if len(parts) == 1 else parts[1]
    return ("", None)


def _expose_key(entry: Any, where: tuple) -> Any:
    if isinstance(entry, str):
        return entry
    if isinstance(entry, int) and not isinstance(entry, bool):
        return str(entry)
    raise ConfigError(f"unsupported expose value {go_format(entry)}", path=where)


def _mount_key(default_dir: str) -> Callable[[Any, tuple], Any]:
    def key(entry: Any, where: tuple) -> Any:
        if isinstance(entry, str):
            return f"{default_dir}/{entry}"
        if isinstance(entry, dict):
            if "target" in entry:
                return str(entry["target"])
            return f"{default_dir}/{go_format(entry.get('source'))}"
        raise ConfigError(f"unsupported value {go_format(entry)}", path=where)

    return key


def _port_key(entry: Any, where: tuple) -> Any:
    """`host_ip:published:target/protocol` formatted as Go's `%s`/`%d` do, type quirks included: a long-form
    `published: 8080` (int) does not collide with `"8080"` (v2 keeps both)."""
    if isinstance(entry, bool):
        return ""
    if isinstance(entry, int):
        return str(entry)
    if isinstance(entry, dict):
        if "target" not in entry:
            raise ConfigError("service ports is missing a target port", path=where)
        host = entry["host_ip"] if "host_ip" in entry else "0.0.0.0"
        protocol = entry["protocol"] if "protocol" in entry else "tcp"
        published = _go_verb(entry.get("published"), "s")
        return f"{_go_verb(host, 's')}:{published}:{_go_verb(entry['target'], 'd')}/{_go_verb(protocol, 's')}"
    if isinstance(entry, str):
        return entry
    return ""


def _go_verb(value: Any, verb: str) -> str:
    """Go's `%s` or `%d` of a value decoded from YAML, with Go's `%!s(int=1)` form for a mismatched type."""
    if verb == "s" and isinstance(value, str):
        return value
    if verb == "d" and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if value is None:
        return f"%!{verb}(<nil>)"
    return f"%!{verb}({_go_type(value)}={go_format(value)})"


def _env_file_key(entry: Any, where: tuple) -> Any:
    if isinstance(entry, str):
        return entry
    if isinstance(entry, dict):
        if "path" in entry:
            return go_format(entry["path"])
        raise ConfigError("environment path attribute is missing", path=where)
    return ("", None)


_UNIQUE_KEYS: tuple[tuple[Path, Callable[[Any, tuple], Any]], ...] = tuple(
    (tuple(pattern.split(".")), indexer)
    for pattern, indexer in (
        ("networks.*.labels", _key_value_key),
        ("networks.*.ipam.options", _key_value_key),
        ("services.*.annotations", _key_value_key),
        ("services.*.build.args", _key_value_key),
        ("services.*.build.additional_contexts", _key_value_key),
        ("services.*.build.platform", _key_value_key),
        ("services.*.build.tags", _key_value_key),
        ("services.*.build.labels", _key_value_key),
        ("services.*.cap_add", _key_value_key),
        ("services.*.cap_drop", _key_value_key),
        ("services.*.configs", _mount_key("")),
        ("services.*.deploy.labels", _key_value_key),
        ("services.*.dns", _key_value_key),
        ("services.*.dns_opt", _key_value_key),
        ("services.*.dns_search", _key_value_key),
        ("services.*.environment", _key_value_key),
        ("services.*.env_file", _env_file_key),
        ("services.*.expose", _expose_key),
        ("services.*.labels", _key_value_key),
        ("services.*.links", _key_value_key),
        ("services.*.networks.*.aliases", _key_value_key),
        ("services.*.networks.*.link_local_ips", _key_value_key),
        ("services.*.ports", _port_key),
        ("services.*.profiles", _key_value_key),
        ("services.*.secrets", _mount_key("/run/secrets")),
        ("services.*.sysctls", _key_value_key),
        ("services.*.tmpfs", _key_value_key),
        ("services.*.volumes", _volume_key),
        ("services.*.devices", _device_key),
    )
)


# --- helpers shared with extends ---------------------------------------------------------------------------


def volume_target(spec: str, where: tuple = ()) -> str:
    """The container path of a short volume spec `[source:]target[:mode]` (v2's ParseVolume, target only)."""
    if spec == "":
        raise ConfigError("invalid empty volume spec", path=where or None)
    if len(spec) <= 2:
        return spec
    fields = split_volume_spec(spec)
    if any(field == "" for field in fields):
        raise ConfigError(f"invalid spec: {spec}: empty section between colons", path=where or None)
    if len(fields) > 3:
        raise ConfigError(f"invalid spec: {spec}: too many colons", path=where or None)
    return fields[0] if len(fields) == 1 else fields[1]


def split_volume_spec(spec: str) -> list[str]:
    """Split a short volume spec on `:`, keeping Windows drive letters and `${...}` together."""
    fields: list[str] = []
    buffer = ""
    depth = 0
    for index, char in enumerate(spec):
        if char == "$" and spec[index + 1:index + 2] == "{":
            depth += 1
        elif char == "}" and depth > 0:
            depth -= 1
        elif char == ":" and depth == 0 and not (len(buffer) == 1 and buffer.isalpha()):
            fields.append(buffer)
            buffer = ""
            continue
        buffer += char
    fields.append(buffer)
    return fields


def _go_type(value: Any) -> str:
    """The type Go's messages name for a YAML-decoded value (`map[string]interface {}`, `<nil>`…)."""
    if value is None:
        return "<nil>"
    scalar = go_scalar_type(value)
    if scalar is not None:
        return scalar
    if isinstance(value, list):
        return "[]interface {}"
    if isinstance(value, dict):
        return "map[string]interface {}"
    return type(value).__name__


def _dotted(path: Path) -> str:
    return ".".join(path)
