"""What v2's publish refuses, and what it asks about before it publishes (`pkg/compose/publish.go` preChecks).

Refusals are errors (`PublishRefused`); findings are values the caller shows and confirms (v2 prompts, `-y` skips
the prompts). Pure: services and configs are the canonical model's dicts, files are read through `read`.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pycompose.errors import ComposeError


class PublishRefused(ComposeError):
    """The project cannot be published as it is (a build-only service, a local include, environment without
    `--with-env`)."""


LOCAL_INCLUDES = "cannot publish compose file with local includes"
ENV_SUFFIX = ("To avoid leaking sensitive data, you must either explicitly allow the sending of environment "
              "variables by using the --with-env flag,\nor remove sensitive data from your Compose configuration")


def check_build_only(services: Mapping[str, Mapping[str, Any]]) -> None:
    """Raises PublishRefused when a service has `build:` and no `image:` (nothing a consumer could pull)."""
    names = [name for name, config in services.items() if not config.get("image") and config.get("build")]
    if names:
        lines = "".join(f'- "{name}"\n' for name in names)
        raise PublishRefused("your Compose stack cannot be published as it only contains a build section for "
                             f"service(s):\n{lines}")


def volume_text(volume: Mapping[str, Any]) -> str:
    """compose-go's `ServiceVolumeConfig.String()`: `source:target:rw[,options]`."""
    options = ["ro" if volume.get("read_only") else "rw"]
    bind = volume.get("bind") or {}
    if bind.get("selinux"):
        options.append(bind["selinux"])
    if bind.get("propagation") and bind["propagation"] != "rprivate":
        options.append(bind["propagation"])
    if (volume.get("volume") or {}).get("nocopy"):
        options.append("nocopy")
    return f"{volume.get('source', '')}:{volume.get('target', '')}:{','.join(options)}"


def bind_mounts(services: Mapping[str, Mapping[str, Any]]) -> dict[str, list[str]]:
    """Service → its bind mounts, as v2 lists them before asking."""
    found: dict[str, list[str]] = {}
    for name, config in services.items():
        mounts = [volume_text(v) for v in config.get("volumes") or () if v.get("type") == "bind"]
        if mounts:
            found[name] = mounts
    return found


def bind_mounts_question(found: Mapping[str, list[str]]) -> str:
    text = ("you are about to publish bind mounts declaration within your OCI artifact.\n"
            "only the bind mount declarations will be added to the OCI artifact (not content)\n"
            "please double check that you are not mounting potential user's sensitive directories or data\n")
    for name, mounts in found.items():
        text += name + "".join(f"{mount}\n" for mount in mounts)
    return text + "Are you ok to publish these bind mount declarations?"


def environment_variables(services: Mapping[str, Mapping[str, Any]], env_file_services: Iterable[str],
                          configs: Mapping[str, Mapping[str, Any]], *, with_env: bool) -> dict[str, dict[str, Any]]:
    """Service/config → the variables that would be published.

    Raises:
        PublishRefused: there are some and `with_env` is False (v2's message, one line per finding).
    """
    with_files = set(env_file_services)
    errors: dict[str, list[str]] = {}
    variables: dict[str, dict[str, Any]] = {}
    for name, config in services.items():
        if name in with_files:
            errors.setdefault(name, []).append(f'service "{name}" has env_file declared.')
        if config.get("environment"):
            errors.setdefault(name, []).append(f'service "{name}" has environment variable(s) declared.')
            variables[name] = dict(config["environment"])
    for name, config in configs.items():
        if config.get("environment"):
            errors.setdefault(name, []).append(f'config "{name}" is declare as an environment variable.')
            variables[name] = {name: config["environment"]}
    if errors and not with_env:
        lines = "".join(f"{line}\n" for name in sorted(errors) for line in errors[name])
        raise PublishRefused(lines + ENV_SUFFIX)
    return variables


def environment_question(variables: Mapping[str, Mapping[str, Any]]) -> str:
    text = ("you are about to publish environment variables within your OCI artifact.\n"
            "please double check that you are not leaking sensitive data\n")
    for name, values in variables.items():
        text += f"Service/Config  {name}\n"
        text += "".join(f"{key}={'' if value is None else value}\n" for key, value in values.items())
    return text + "Are you ok to publish these environment variables?"


# sensitive data: a subset of the DefangLabs secret-detector default scanner v2 uses (its regex detectors)

@dataclass(frozen=True)
class Secret:
    kind: str
    key: str
    value: str


def _jwt_valid(token: str) -> bool:
    parts = token.split(".")
    if len(parts) not in (2, 3):
        return False
    try:
        for part in parts[:2]:
            json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (ValueError, UnicodeDecodeError):
        return False
    return True


_DETECTORS: tuple[tuple[str, tuple[str, ...], Callable[[str], bool] | None], ...] = (
    ("AWS Client ID", (r"(?:A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16}",), None),
    ("AWS Secret Key", (r"(?:AWS|aws).{0,20}['\"][0-9a-zA-Z\/+]{40}['\"]",), None),
    ("Github authentication", (r"gh[pousr]_[A-Za-z0-9_]{36}",), None),
    ("JSON Web Token", (r"eyJ[A-Za-z0-9-_=]+\.eyJ[A-Za-z0-9-_=]+\.?[A-Za-z0-9-_.+/=]*",), _jwt_valid),
    ("Mailchimp API Key", (r"[0-9a-f]{32}-us[0-9]{1,2}",), None),
    ("npm auth token", (r"//\S+/:_authToken=[^${\s]\S+", r"npm_[a-zA-Z0-9]{36}"), None),
    ("Private Key", (r".*PuTTY-User-Key-File-.*",
                     r"(-*BEGIN[ \S]+?PRIVATE KEY(?: BLOCK)?-*)([\S\n]{4,}?)(-*END[ \S]+?PRIVATE KEY(?: BLOCK)?-*)"),
     None),
    ("Sendgrid API key", (r"SG\.[a-zA-Z0-9_-]{22}\.[a-zA-Z0-9_-]{43}",), None),
    ("Slack token", (r"(?:(?:xoxe\.)?xox[bp]|xox[aeosr]|xapp)-\d+-[-a-zA-Z0-9]+",
                     r"https://hooks\.slack\.com/services/T[a-zA-Z0-9_]+/B[a-zA-Z0-9_]+/[a-zA-Z0-9_]+"), None),
    ("Square authentication", (r"sq0atp-[0-9A-Za-z\\\-_]{22}", r"sq0csp-[0-9A-Za-z\\\-_]{43}"), None),
    ("Stripe API key", (r"[rs]k_(live|test)_[0-9a-zA-Z]{24}",), None),
    ("Twilio authentication", (r"AC[0-9a-fA-F]{32}", r"SK[0-9a-fA-F]{32}"), None),
)
_VALUE = r"(?m)^\s*\[?[\t ]*['\"]?(?:{})['\"]?[\t ]*\]?[\t ]*;?\s*$"
_COMPILED = tuple((kind, tuple(re.compile(_VALUE.format(p)) for p in patterns),
                   tuple(re.compile(p) for p in patterns), verify) for kind, patterns, verify in _DETECTORS)


def scan_values(values: Mapping[str, str]) -> list[Secret]:
    """Detections in key → value pairs (a flattened YAML file, an env file): a value that is, on a line of its own,
    one of the detectors' patterns."""
    found: list[Secret] = []
    for kind, exact, _, verify in _COMPILED:
        for key, value in values.items():
            if any(r.search(value) for r in exact) and (verify is None or verify(value)):
                found.append(Secret(kind, key, value))
    return _first_per_key(found)


def scan_text(text: str) -> list[Secret]:
    """Detections anywhere in free text (no key)."""
    found: list[Secret] = []
    for kind, _, anywhere, verify in _COMPILED:
        for regex in anywhere:
            for match in regex.finditer(text):
                if verify is None or verify(match.group(0)):
                    found.append(Secret(kind, "", match.group(0)))
    return found


def _first_per_key(found: list[Secret]) -> list[Secret]:
    seen: set[str] = set()
    kept = []
    for secret in found:
        if secret.key and secret.key in seen:
            continue
        seen.add(secret.key)
        kept.append(secret)
    return kept


def flatten(data: Any, prefix: str = "") -> dict[str, str]:
    """A YAML/JSON document as `a.b.c` → scalar text (`KEY=VALUE` list items become keys)."""
    flat: dict[str, str] = {}
    if isinstance(data, Mapping):
        for key, value in data.items():
            flat.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            if isinstance(item, str) and "=" in item and not isinstance(data, Mapping):
                key, _, value = item.partition("=")
                flat[f"{prefix}.{key}" if prefix else key] = value
            else:
                flat.update(flatten(item, f"{prefix}[{index}]"))
    elif data is not None:
        flat[prefix] = data if isinstance(data, str) else json.dumps(data)
    return flat


def scan_file(text: str, kind: str) -> list[Secret]:
    """Scan a file's text: `yaml` (a compose file) and `env` as key/value pairs, anything else as free text."""
    text = text.strip()
    if not text:
        return []
    if kind == "yaml":
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            data = None
        if isinstance(data, (dict, list)):
            return scan_values(flatten(data))
    if kind == "env":
        pairs = {}
        for line in text.splitlines():
            key, equals, value = line.strip().partition("=")
            if equals and not key.startswith("#"):
                pairs[key.strip().removeprefix("export ").strip()] = value.strip().strip("'\"")
        if pairs:
            return scan_values(pairs)
    return scan_text(text)


def sensitive_question(found: Iterable[Secret]) -> str:
    text = ("you are about to publish sensitive data within your OCI artifact.\n"
            "please double check that you are not leaking sensitive data\n")
    for secret in found:
        text += f"{secret.kind}\n{json.dumps(secret.key)}: {secret.value}\n"
    return text + "Are you ok to publish these sensitive data?"
