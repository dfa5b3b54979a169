#!/usr/bin/env bash
# The differential suite (tests/differential/scenarios): every scenario run once with the reference, Docker Compose
# v2 (`docker compose`), and once with pycompose; after every step the harness compares the engine state, the exit
# code and the normalised output, and ends with one summary line:
#   behaviour-conformance: P/N steps identical across S scenarios (H with identical config-hash)
# The harness lives outside the repository, in ../shared/tools/differential (DIFFERENTIAL_HARNESS overrides it).
#
#   bash scripts/differential.sh                  # record with v2, then check pycompose
#   bash scripts/differential.sh --only 'lc0' -j 2
#   bash scripts/differential.sh --no-record      # check against the results recorded last time
#   bash scripts/differential.sh --self-check     # also check v2 against its own recording (must be 100 %)
#   bash scripts/differential.sh --config-matrix  # also every `config` flag on the corpus and the scenarios
#                                                 # (tests/conformance/test_config_flags_vs_v2.py, ~20 min)
#
# Without a Compose v2 (`docker compose version` answering 2.x) it says so and exits 0: there is nothing to compare
# with. Otherwise the exit code is the harness's: 0 only when every step is identical.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${PYCOMPOSE_VENV:-.venv}
case $venv in /*) ;; *) venv=$PWD/$venv ;; esac   # the harness runs the candidate from each scenario's folder
harness_dir=${DIFFERENTIAL_HARNESS:-../shared/tools/differential}
scenarios=tests/differential/scenarios

usage() {
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
  echo "options: --only REGEX (repeatable), -j/--jobs N, --no-record, --self-check, --config-matrix, --max-diff N," \
       "-h/--help"
}

select=()
jobs=(-j 2)
max_diff=(--max-diff 20)
record=1
self_check=0
config_matrix=0
while [ $# -gt 0 ]; do
  case $1 in
    --only) [ $# -ge 2 ] || { echo "differential.sh: --only needs a REGEX" >&2; exit 2; }
            select+=(--only "$2"); shift 2 ;;
    --only=*) select+=(--only "${1#*=}"); shift ;;
    -j|--jobs) [ $# -ge 2 ] || { echo "differential.sh: $1 needs a number" >&2; exit 2; }
               jobs=(-j "$2"); shift 2 ;;
    -j*) jobs=(-j "${1#-j}"); shift ;;
    --jobs=*) jobs=(-j "${1#*=}"); shift ;;
    --max-diff) [ $# -ge 2 ] || { echo "differential.sh: --max-diff needs a number" >&2; exit 2; }
                max_diff=(--max-diff "$2"); shift 2 ;;
    --no-record) record=0; shift ;;
    --self-check) self_check=1; shift ;;
    --config-matrix) config_matrix=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "differential.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

harness=$harness_dir/differential.py
if [ ! -f "$harness" ]; then
  echo "differential.sh: the harness is missing: no $harness (set DIFFERENTIAL_HARNESS to its folder)" >&2
  exit 2
fi
if [ ! -d "$scenarios" ]; then
  echo "differential.sh: no scenario folder $scenarios" >&2
  exit 2
fi
candidate=$venv/bin/pycompose
if [ ! -x "$candidate" ]; then
  echo "differential.sh: no pycompose at $candidate (set PYCOMPOSE_VENV)" >&2
  exit 2
fi

# The harness runs `docker compose` as the reference: only a Compose v2 is one (a Compose v1 answers 1.x).
version=$(docker compose version --short 2>/dev/null || true)
version=${version#v}
case $version in
  2.*) ;;
  *)
    echo "differential.sh: skipped, the reference is not installed: \`docker compose version --short\`" \
         "answered '${version:-nothing}', a Compose v2 (2.x) is needed"
    exit 0 ;;
esac

run_harness() {
  python3 "$harness" --scenarios "$scenarios" "$@"
}

# Scenarios that publish (their steps name the loopback registry) need scripts/registry.sh's registry running.
selected_steps=()
for steps in "$scenarios"/*/steps; do
  name=$(basename "$(dirname "$steps")")
  wanted=$(( ${#select[@]} == 0 ))
  for (( i = 1; i < ${#select[@]}; i += 2 )); do
    if printf '%s\n' "$name" | grep -Eq -- "${select[i]}"; then wanted=1; fi
  done
  if [ "$wanted" -eq 1 ]; then selected_steps+=("$steps"); fi
done
if [ ${#selected_steps[@]} -gt 0 ] && grep -q '127\.0\.0\.1:5055' "${selected_steps[@]}"; then
  bash scripts/registry.sh > /dev/null || echo "differential.sh: no registry on 127.0.0.1:5055, the publishing" \
    "scenarios will fail" >&2
fi

started=$(date +%s)
echo "differential.sh: reference Docker Compose v$version, candidate $candidate"
if [ "$record" -eq 1 ]; then
  run_harness record "${jobs[@]}" ${select[@]+"${select[@]}"} | grep -v '^recorded '
fi
if [ "$self_check" -eq 1 ]; then
  echo "differential.sh: self-check (v2 against its own recording):"
  status=0
  run_harness check "${jobs[@]}" "${max_diff[@]}" ${select[@]+"${select[@]}"} \
    --save tests/differential/last-check-v2 docker compose > tests/differential/self-check.log || status=$?
  grep -E '^behaviour-conformance:' tests/differential/self-check.log || true
  if [ "$status" -ne 0 ]; then
    echo "differential.sh: the self-check is not 100 %: a scenario is nondeterministic, see" \
         "tests/differential/self-check.log" >&2
    exit "$status"
  fi
fi
status=0
run_harness check "${jobs[@]}" "${max_diff[@]}" ${select[@]+"${select[@]}"} "$candidate" \
  > tests/differential/check.log || status=$?
grep -E '^  \S.*FAIL$' tests/differential/check.log || true
summary=$(grep -E '^behaviour-conformance:' tests/differential/check.log || true)
if [ -z "$summary" ]; then
  tail -n 20 tests/differential/check.log >&2
  echo "differential.sh: the harness gave no summary line (exit $status)" >&2
  exit $(( status == 0 ? 1 : status ))
fi
echo "differential.sh: full log in tests/differential/check.log, $(( $(date +%s) - started ))s"
echo "$summary"
if [ "$config_matrix" -eq 1 ]; then
  echo "differential.sh: config-flag matrix (every \`config\` flag, both tools, byte for byte):"
  PYCOMPOSE_CONFIG_MATRIX=1 "$venv/bin/pytest" -q -p no:cacheprovider -n "${jobs[1]}" \
    tests/conformance/test_config_flags_vs_v2.py | tail -n 3 || status=1
fi
exit "$status"
