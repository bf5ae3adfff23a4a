#!/usr/bin/env bash
# OpenBLAS (what jepa4j runs) against Intel MKL (bytedeco preset, downloads 210 MB once) on the
# reference step's matrix products, one and two threads, each library in its own JVM (both export
# cblas_sgemm), the two alternated over rounds:
#   ./benchmarks/run-mkl.sh [rounds=5] [out=runs/bench-mkl]   -> out/blas.md
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-5}"; out="${2:-runs/bench-mkl}"
. "$here/scripts/native-env.sh"
(cd "$here" && mvn -B -q ${MAVEN_OFFLINE:-} -Pmkl -DskipTests package -pl benchmarks/mkl -am) >&2
cd "$here"
mkdir -p "$out"; csv="$out/blas.csv"; : > "$csv"
run() { java -Xmx1g -cp "benchmarks/mkl/target/classes:$(cat benchmarks/mkl/target/mkl-classpath.txt)" \
  io.github.jepa4j.benchmarks.mkl.BlasComparison "$@"; }
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) -eq 1 ]; then order="openblas mkl"; else order="mkl openblas"; fi
  for lib in $order; do run measure "$lib" "$csv"; done
  echo "round $r of $rounds done" >&2
done
run table "$rounds" "$csv" "$out/blas.md"
echo "wrote $out/blas.md and $csv" >&2
