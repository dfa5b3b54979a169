"""Our schema against the official compose-spec schema (/work/shared/reference/compose-spec.json).

The official file is read here only to compare verdicts. Known, deliberate differences (each checked below):
- lists compose-go de-duplicates before it validates (override.EnforceUnicity: ports, volumes, environment,
  labels, cap_add, dns, profiles, tmpfs, network aliases, ...) carry no `uniqueItems` in ours: v2 never rejects
  duplicates there, the official schema alone would;
- the reference file is compose-go @ e70e961 (2026), newer than the v2.9.1 that Compose v2.40.3 ships: it allows
  `services.*.pre_start` and `build.no_cache_filter`, which v2.40.3 rejects, and so do we.
"""

from __future__ import annotations

import json
import os

import pytest
import yaml

from pycompose.loader import schema

OFFICIAL = "/work/shared/reference/compose-spec.json"

pytestmark = pytest.mark.skipif(not os.path.isfile(OFFICIAL), reason="official compose-spec.json not present")

S = "services:\n  s:\n    image: x\n    "

AGREE = [
    S + 'ports: ["80:80", 8080, {target: 80, published: "8080", protocol: tcp}]',
    S + "ports: 80",
    S + "ports: [{target: 80, foo: 1}]",
    S + "volumes: [/a, {type: bind, source: ., target: /c, bind: {create_host_path: true}}]",
    S + "volumes: [{source: a, target: /b}]",
    S + "volumes: [{type: foo, target: /a}]",
    S + "volumes: [{type: tmpfs, target: /a, tmpfs: {size: -1}}]",
    S + "depends_on: [a]",
    S + "depends_on: {a: {condition: service_healthy, restart: true, required: false}}",
    S + "depends_on: {a: {conditio: x}}",
    S + "depends_on: {a: {required: true}}",
    S + "depends_on: [a, a]",
    S + 'environment: {A: "1", B: 2, C: null, D: true}',
    S + "environment: {A: [1]}",
    S + 'environment: "A=1"',
    S + "cgroup: foo",
    S + "container_name: a",
    S + "cpu_percent: 200",
    S + "oom_score_adj: 5000",
    S + "security_opt: [a, a]",
    S + "networks: [a, a]",
    S + "networks: {a: {foo: 1}}",
    S + 'extra_hosts: ["a:1", "a:1"]',
    S + "imagee: x",
    S + "x-foo: {anything: [1]}",
    S + "healthcheck: {test: 3}",
    S + "build: {context: ., foo: 1}",
    S + "gpus: foo",
    S + "gpus: [{foo: 1}]",
    S + "ulimits: {nofile: {soft: 1}}",
    S + "ulimits: {NOFILE: {foo: 1}}",
    S + "pull_policy: xalwaysx",
    S + "command: [a, 1]",
    S + "env_file: [{path: a, required: false}, b]",
    S + "deploy: {resources: {reservations: {devices: [{driver: nvidia, count: 1}]}}}",
    S + "develop: {watch: [{path: .}]}",
    S + "post_start: [{user: x}]",
    S + 'use_api_socket: "true"',
    'services:\n  "my s":\n    image: x\n',
    "foo: 1\nservices: {s: {image: x}}\n",
    "services: {s: {image: x}}\nvolumes: {v: {labels: [a=1, a=1]}}\n",
    "services: {s: {image: x}}\nvolumes: {v: {external: {nam: y}}}\n",
    'services: {s: {image: x}}\nnetworks: {"my net": {}}\n',
    "services: {s: {image: x}}\nsecrets: {a: {external: {foo: 1}}}\n",
    "services: {s: {image: x}}\nmodels: {m: {name: x}}\n",
]

# (snippet, ours, official): where they differ on purpose
DIFFER = [
    (S + 'ports: ["80", "80"]', True, False),
    (S + "volumes: [/a, /a]", True, False),
    (S + "environment: [A=1, A=1]", True, False),
    (S + "cap_add: [a, a]", True, False),
    (S + "profiles: [a, a]", True, False),
    (S + "networks: {b: {aliases: [x, x]}}", True, False),
    (S + "pre_start: [{command: x}]", False, True),
    (S + "build: {context: ., no_cache_filter: a}", False, True),
]


def _official_is_valid(data: object) -> bool:
    from jsonschema.validators import validator_for

    with open(OFFICIAL, encoding="utf-8") as handle:
        official = json.load(handle)
    return validator_for(official)(official).is_valid(data)


@pytest.mark.parametrize("text", AGREE)
def test_same_verdict_as_official(text: str) -> None:
    data = yaml.safe_load(text)
    assert schema.is_valid(data) == _official_is_valid(data)


@pytest.mark.parametrize("text,ours,official", DIFFER)
def test_documented_differences(text: str, ours: bool, official: bool) -> None:
    data = yaml.safe_load(text)
    assert schema.is_valid(data) is ours
    assert _official_is_valid(data) is official


def test_agreement_table_has_both_verdicts() -> None:
    verdicts = {schema.is_valid(yaml.safe_load(text)) for text in AGREE}
    assert verdicts == {True, False}
