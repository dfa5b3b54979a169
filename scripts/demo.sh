#!/usr/bin/env bash
# The main job on a fresh machine: install pycompose, start a Docker engine, seed the local busybox image,
# then bring the hello sample up and show that it answers.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh
bash scripts/engine.sh
bash scripts/seed-images.sh

compose=(.venv/bin/pycompose -f samples/hello/compose.yaml)
"${compose[@]}" up -d --wait
"${compose[@]}" ps
port=$("${compose[@]}" port web 8080 | tail -n 1)
echo "--- http://${port}/site/index.html"
wget -qO- "http://${port}/site/index.html" 2>/dev/null || curl -fsS "http://${port}/site/index.html"
echo "--- take it down again with: ${compose[*]} down"
