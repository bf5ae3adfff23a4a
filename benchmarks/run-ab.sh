#!/usr/bin/env bash
# Is the working tree faster than a git ref? Both builds measured alternately in one JVM
# (InterleavedComparison): on a noisy machine, separate runs minutes apart drift more than most
# changes are worth.
#   ./benchmarks/run-ab.sh REF [rounds=10] [steps=20] [preset=ref] [batch=64]
# A = REF, built in a temporary git worktree; B = the working tree. Writes runs/bench-ab/ab.md.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
ref="${1:?usage: run-ab.sh REF [rounds] [steps] [preset] [batch]}"
. "$here/scripts/native-env.sh"
wt="$(mktemp -d "${TMPDIR:-/tmp}/jepa4j-ab.XXXXXX")"
git -C "$here" worktree add -q --detach "$wt" "$ref"
trap 'git -C "$here" worktree remove --force "$wt"' EXIT
build() { echo "run-ab: building $1 ..." >&2; (cd "$1" && mvn -B -q ${MAVEN_OFFLINE:-} -DskipTests package -pl benchmarks -am) >&2; }
build "$wt"
build "$here"
# A build's own paths: its benchmark classes and its module jars (as its classpath file lists them).
own() { printf '%s:%s' "$1/benchmarks/target/classes" "$(tr ':' '\n' < "$1/benchmarks/target/benchmark-classpath.txt" | grep "^$1/" | paste -sd:)"; }
third="$(tr ':' '\n' < "$here/benchmarks/target/benchmark-classpath.txt" | grep -v "^$here/" | paste -sd:)"
mkdir -p "$here/runs/bench-ab"
cd "$here"
java $JEPA4J_GC_OPTS ${JEPA4J_JAVA_OPTS:--Xmx4g} "-Dab.labelA=$ref ($(git -C "$wt" rev-parse --short HEAD))" "-Dab.labelB=working tree" -Dorg.bytedeco.javacpp.maxbytes=12G -Dorg.bytedeco.javacpp.maxphysicalbytes=16G \
  -cp "$here/benchmarks/target/classes:$third" io.github.jepa4j.benchmarks.speed.InterleavedComparison \
  "$(own "$wt")" "$(own "$here")" "${2:-10}" "${3:-20}" "${4:-ref}" "${5:-64}" runs/bench-ab/ab.md
