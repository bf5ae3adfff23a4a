# Native-library and JVM settings for jepa4j's JVMs, sourced by ./jepa4j, .ci/run and benchmarks/run-*.sh
# (surefire sets the first two for its forked JVMs in pom.xml). A value the caller set is kept.
# Measured on 2 cores: passive OpenMP waits and two malloc arenas keep training fast and RSS flat.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
# OpenBLAS kernels by CPU flags: nd4j-native's OpenBLAS 0.3.19 falls back to its oldest x86-64
# kernels ("Barcelona") on CPUs it does not know, e.g. AMD Zen 4; there its AVX-512 kernels
# measured 1.5x the sgemm rate of its AVX2 (Haswell) ones and a 1.2x faster step.
if [ -z "${OPENBLAS_CORETYPE:-}" ] && [ -r /proc/cpuinfo ]; then
  _jepa4j_flags=" $(grep -m1 '^flags' /proc/cpuinfo || true) "
  _jepa4j_has() { for f in "$@"; do case "$_jepa4j_flags" in *" $f "*) ;; *) return 1 ;; esac; done; }
  if _jepa4j_has avx512f avx512cd avx512bw avx512dq avx512vl; then export OPENBLAS_CORETYPE=SKYLAKEX
  elif _jepa4j_has avx2 fma; then export OPENBLAS_CORETYPE=HASWELL; fi
  unset -f _jepa4j_has
  unset _jepa4j_flags
fi
# The JVM's collector (for the launcher's and run-ab.sh's java): the parallel one with a 256 MB young
# generation. G1's concurrent threads share a 2-core machine with the training step's two threads:
# the reference step ran 3-8 % faster in interleaved runs, and RSS stayed flat over 900 steps (README,
# Performance). Empty when JEPA4J_JAVA_OPTS picks a collector itself (two would make java refuse to start).
if [ -z "${JEPA4J_GC_OPTS+set}" ]; then
  case "${JEPA4J_JAVA_OPTS:-}" in
    *-XX:+Use*GC*) JEPA4J_GC_OPTS="" ;;
    *) JEPA4J_GC_OPTS="-XX:+UseParallelGC -Xmn256m" ;;
  esac
fi
