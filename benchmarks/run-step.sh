#!/usr/bin/env bash
# Speed of one full I-JEPA training step of the reference model, and RSS over a longer run:
#   ./benchmarks/run-step.sh [batch=64] [warmup=5] [steps=20] [rss-steps=0]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -B -q -DskipTests install -pl benchmarks -am >&2
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}" MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
exec java -Xmx4g -cp "benchmarks/target/classes:examples/target/lib/*:examples/target/jepa4j.jar" \
  io.github.jepa4j.benchmarks.step.StepBenchmark "$@"
