#!/usr/bin/env bash
# Collapse study: methods x anti-collapse mechanisms x seeds, metrics over steps, plots and summary.md.
# Same as `./jepa4j bench collapse ...`:
#   ./benchmarks/run-collapse.sh [--methods ijepa,joint] [--anti-collapse none,ema,vicreg,sigreg,barlow] [--seeds 3]
#        [--steps 150] [--batch 32] [--every 25] [--data shapes|fashion-mnist|DIR] [--model small|ref]
#        [--parallel 1] [--out runs/collapse-study]      (finished runs are skipped: rerun to resume)
#   With --parallel N, set OMP_NUM_THREADS to about cores/N: every run's ND4J ops use all cores otherwise
#   (on 2 cores, --parallel 2 ran each run ~4x slower than serial).
#   ./benchmarks/run-collapse.sh --rerun runs/collapse-study/joint-none-s1/config.json [--out DIR]
set -euo pipefail
exec "$(cd "$(dirname "$0")/.." && pwd)/jepa4j" bench collapse "$@"
