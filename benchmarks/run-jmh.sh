#!/usr/bin/env bash
# Builds the benchmarks module (and the modules it needs, without installing anything) and runs
# JMH. Arguments go to JMH, e.g.:
#   benchmarks/run-jmh.sh                                   # all benchmarks
#   benchmarks/run-jmh.sh 'kernels.Gelu' -p path=kernel     # a subset
#   JEPA4J_SKIP_BUILD=1 benchmarks/run-jmh.sh -rf csv -rff /tmp/jmh.csv
#   JMH_JVM_ARGS=-Djepa4j.kernels.threads=1 benchmarks/run-jmh.sh 'kernels'   # single-threaded kernels
# The environment is inherited by JMH's forked JVMs (jvmArgs cannot set it):
#   OMP_WAIT_POLICY=PASSIVE  spinning OpenMP/OpenBLAS threads otherwise steal the cores,
#   MALLOC_ARENA_MAX=2       glibc arenas otherwise grow the RSS by GBs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export OMP_WAIT_POLICY=PASSIVE
export MALLOC_ARENA_MAX=2
if [[ -z "${JEPA4J_SKIP_BUILD:-}" ]]; then
  (cd "$root" && mvn -B -q ${MAVEN_OFFLINE:--o} -pl benchmarks -am package -DskipTests)
fi
cp_file="$root/benchmarks/target/benchmark-classpath.txt"
[[ -f "$cp_file" ]] || { echo "missing $cp_file: build first" >&2; exit 1; }
exec java -Xmx4g -cp "$root/benchmarks/target/classes:$(cat "$cp_file")" org.openjdk.jmh.Main \
  -jvmArgsAppend "-Xmx4g -Dorg.bytedeco.javacpp.maxbytes=8G ${JMH_JVM_ARGS:-}" "$@"
