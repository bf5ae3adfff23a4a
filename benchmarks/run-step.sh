#!/usr/bin/env bash
# Speed of one full I-JEPA training step of the reference model (phases, GFLOP/s, RSS), and RSS over a
# longer run: `./jepa4j bench speed` restricted to the reference model, with positional arguments:
#   ./benchmarks/run-step.sh [batch=64] [warmup=50] [steps=20] [rss-steps=0]
# Output in runs/bench-step/ (speed.md, speed.csv). The full table: ./jepa4j bench speed --help.
set -euo pipefail
exec "$(cd "$(dirname "$0")/.." && pwd)/jepa4j" bench speed --presets ref --batches "${1:-64}" --warmup "${2:-50}" \
  --steps "${3:-20}" --rss-steps "${4:-0}" --out runs/bench-step
