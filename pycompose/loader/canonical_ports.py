"""Service `ports`: short syntax `[IP:][HOST[-R]:]CONTAINER[-R][/PROTO]` and long syntax to v2's long form."""

from __future__ import annotations

import ipaddress

from pycompose.errors import ConfigError
from pycompose.loader.extensions import extensions

_PORT_KEYS = ("name", "mode", "host_ip", "target", "published", "protocol", "app_protocol")
_PROTOCOLS = ("tcp", "udp", "sctp")


def _port_range(text: str) -> tuple[int, int]:
    """Parse `N` or `N-M` like nat.ParsePortRange; ValueError when it is not one."""
    if not text:
        raise ValueError("empty")
    start, sep, end = text.partition("-")
    if not start.isascii() or not start.isdigit() or (sep and not (end.isascii() and end.isdigit())):
        raise ValueError(text)
    low = int(start, 10)
    high = int(end, 10) if sep else low
    if not (0 <= low <= 65535 and 0 <= high <= 65535) or high < low:
        raise ValueError(text)
    return low, high


def _split_parts(raw: str) -> tuple[str, str, str]:
    parts = raw.split(":")
    if len(parts) == 1:
        return "", "", parts[0]
    if len(parts) == 2:
        return "", parts[0], parts[1]
    return ":".join(parts[:-2]), parts[-2], parts[-1]


def parse_port_short(spec: str, path: tuple[str | int, ...]) -> list[dict]:
    """Expand one short port spec into v2's long entries (ranges expand, sorted as nat sorts its keys)."""
    raw, _, proto = spec.rpartition("/") if "/" in spec else (spec, "", "tcp")
    proto = proto.lower() or "tcp"
    host_ip, host_port, container_port = _split_parts(raw)
    if host_ip.startswith("[") and host_ip.endswith("]"):
        host_ip = host_ip[1:-1]
    if host_ip:
        try:
            ipaddress.ip_address(host_ip)
        except ValueError:
            raise ConfigError(f"invalid IP address: {host_ip}", path=path) from None
    if container_port == "":
        raise ConfigError(f"no port specified: {raw}<empty>", path=path)
    try:
        c_low, c_high = _port_range(container_port)
    except ValueError:
        raise ConfigError(f"invalid containerPort: {container_port}", path=path) from None
    h_low = h_high = 0
    if host_port:
        try:
            h_low, h_high = _port_range(host_port)
        except ValueError:
            raise ConfigError(f"invalid hostPort: {host_port}", path=path) from None
    if proto not in _PROTOCOLS:
        raise ConfigError(f"invalid proto: {proto}", path=path)
    if host_port and (c_high - c_low) != (h_high - h_low) and c_high != c_low:
        raise ConfigError(
            f"invalid ranges specified for container and host Ports: {container_port} and {host_port}", path=path
        )
    entries: list[tuple[str, dict]] = []
    for offset in range(c_high - c_low + 1):
        target = c_low + offset
        if not host_port:
            published = ""
        elif c_high == c_low and h_high != h_low:
            published = f"{h_low}-{h_high}"
        else:
            published = str(h_low + offset)
        entry: dict = {"mode": "ingress"}
        if host_ip:
            entry["host_ip"] = host_ip
        entry["target"] = target
        if published:
            entry["published"] = published
        entry["protocol"] = proto
        entries.append((f"{target}/{proto}", entry))
    entries.sort(key=lambda item: item[0])
    return [entry for _, entry in entries]


def canonical_port_long(port: dict, path: tuple[str | int, ...]) -> dict:
    """Long-syntax port with v2's defaults (`mode: ingress`, `protocol: tcp`) and `published` as a string."""
    values = dict(port)
    values.setdefault("mode", "ingress")
    values.setdefault("protocol", "tcp")
    out: dict = {}
    for key in _PORT_KEYS:
        value = values.get(key)
        if value is None or value == "" or (key == "target" and value == 0):
            continue
        if key == "published":
            value = str(value)
        elif key == "target":
            try:
                value = int(value)
            except (TypeError, ValueError):
                raise ConfigError(f"invalid containerPort: {value}", path=(*path, "target")) from None
        out[key] = value
    out.update(extensions(port))
    return out


def canonical_ports(ports: list, path: tuple[str | int, ...]) -> list:
    """All of a service's ports in v2's long form, in declaration order."""
    out: list[dict] = []
    for index, port in enumerate(ports):
        where = (*path, index)
        if isinstance(port, dict):
            entries = [canonical_port_long(port, where)]
        elif isinstance(port, (int, str)) and not isinstance(port, bool):
            entries = parse_port_short(str(port), where)
        else:
            raise ConfigError(f"expected a port string, number or mapping, got {port!r}", path=where)
        out.extend(entry for entry in entries if entry not in out)  # v2 drops exact duplicates
    return out
