#!/usr/bin/env bash
# Collapse study: methods x anti-collapse mechanisms x seeds, metrics over steps, plots and summary.md:
#   ./benchmarks/run-collapse.sh [--methods ijepa,joint] [--anti-collapse none,ema,vicreg,sigreg,barlow] [--seeds 3]
#        [--steps 150] [--batch 32] [--every 25] [--data shapes|fashion-mnist|DIR] [--model small|ref]
#        [--parallel 1] [--out runs/collapse-study]      (finished runs are skipped: rerun to resume)
#   With --parallel N, set OMP_NUM_THREADS to about cores/N: every run's ND4J ops use all cores otherwise
#   (on 2 cores, --parallel 2 ran each run ~4x slower than serial).
#   ./benchmarks/run-collapse.sh --rerun runs/collapse-study/joint-none-s1/config.json [--out DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -B -q -DskipTests install -pl benchmarks -am >&2
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}" MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
exec java -Xmx4g -cp "benchmarks/target/classes:examples/target/lib/*:examples/target/jepa4j.jar" \
  io.github.jepa4j.benchmarks.collapse.CollapseStudy "$@"
