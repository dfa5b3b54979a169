#!/usr/bin/env bash
# The main job on a fresh machine: install pycompose, start a Docker engine, seed the local busybox image,
# then bring the hello sample up and show that it answers.
#
# The demo stack is its own project (`hello-demo`) on its own port (DEMO_PORT, 18088), so that it collides with
# neither the README's examples (the plugin example's hello stack publishes 8080, the LAMP sample 8081)
# nor a `pycompose -f samples/hello/compose.yaml up` of your own. It stays up; the last line says how to take it down.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh
bash scripts/engine.sh
bash scripts/seed-images.sh

export HELLO_PORT=${DEMO_PORT:-18088}
compose=(.venv/bin/pycompose -p hello-demo -f samples/hello/compose.yaml)
"${compose[@]}" up -d --wait
"${compose[@]}" ps
port=$("${compose[@]}" port web 8080 | tail -n 1)
echo "--- http://${port}/site/index.html"
wget -qO- "http://${port}/site/index.html" 2>/dev/null || curl -fsS "http://${port}/site/index.html"
echo "--- the demo stack (project hello-demo) holds port ${HELLO_PORT}; take it down with:"
echo "    ${compose[*]} down -v"
