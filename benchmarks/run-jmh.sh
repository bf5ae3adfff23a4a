#!/usr/bin/env bash
# JMH kernel benchmarks and their Markdown table (OUT/kernels.md, JMH JSON in OUT/jmh.json).
# Same as `./jepa4j bench kernels ...`; arguments go to JMH, except --out DIR and --from FILE.json:
#   benchmarks/run-jmh.sh                                   # all benchmarks -> runs/bench-kernels/
#   benchmarks/run-jmh.sh 'kernels.Gelu' -p path=kernel     # a subset
#   benchmarks/run-jmh.sh -wi 1 -i 3 -r 1 --out docs/bench  # a short pass
#   benchmarks/run-jmh.sh --from runs/bench-kernels/jmh.json   # only re-render a JMH JSON result
#   JMH_JVM_ARGS=-Djepa4j.kernels.threads=1 benchmarks/run-jmh.sh 'kernels'   # single-threaded kernels
#   JEPA4J_SKIP_BUILD=1 benchmarks/run-jmh.sh ...           # no rebuild
# The environment is inherited by JMH's forked JVMs (jvmArgs cannot set it):
#   OMP_WAIT_POLICY=PASSIVE  spinning OpenMP/OpenBLAS threads otherwise steal the cores,
#   MALLOC_ARENA_MAX=2       glibc arenas otherwise grow the RSS by GBs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export OMP_WAIT_POLICY=PASSIVE MALLOC_ARENA_MAX=2
if [[ -n "${JMH_JVM_ARGS:-}" ]]; then
  exec "$root/jepa4j" bench kernels -jvmArgsAppend "$JMH_JVM_ARGS" "$@"
fi
exec "$root/jepa4j" bench kernels "$@"
