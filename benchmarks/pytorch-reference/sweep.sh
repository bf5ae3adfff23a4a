#!/usr/bin/env bash
# Recipe sweep of the PyTorch reference: every variant of jepa4j's Fashion-MNIST I-JEPA recipe below,
# 10 epochs, probed at epoch 10 (EMA target and context encoder), all at once, one process each.
#   benchmarks/pytorch-reference/sweep.sh OUT DATA_DIR [DEVICE=cuda]
# Writes OUT/NAME/{log.txt,evals.csv} and OUT/sweep.csv (variant, args, encoder, linear, knn, rankme).
set -uo pipefail
out=$1; data=$2; device=${3:-cuda}
here="$(cd "$(dirname "$0")" && pwd)"
py=${PYTHON:-python3}
mkdir -p "$out"
# SWEEP_ONLY="name1 name2" runs a subset.
variants=(
  "base-s0|--seed 0"
  "base-s1|--seed 1"
  "lr2e-3|--lr 2e-3"
  "lr3e-3|--lr 3e-3"
  "lr5e-4|--lr 5e-4"
  "warmup0.25|--warmup-frac 0.25"
  "lr2e-3-warmup0.05|--lr 2e-3 --warmup-frac 0.05"
  "tscale0.25-0.35|--t-scale 0.25,0.35"
  "2targets-0.3-0.4|--n-targets 2 --t-scale 0.3,0.4"
  "6targets-0.1-0.15|--n-targets 6 --t-scale 0.1,0.15"
  "cscale0.6-0.8|--c-scale 0.6,0.8"
  "lr2e-3-tscale0.25-0.35|--lr 2e-3 --t-scale 0.25,0.35"
  "lr2e-3-s1|--lr 2e-3 --seed 1"
)
if [ -n "${SWEEP_ONLY:-}" ]; then
  keep=(); for v in "${variants[@]}"; do case " $SWEEP_ONLY " in *" ${v%%|*} "*) keep+=("$v") ;; esac; done
  variants=("${keep[@]}")
fi
for v in "${variants[@]}"; do
  name=${v%%|*}; args=${v#*|}
  mkdir -p "$out/$name"
  # shellcheck disable=SC2086
  $py "$here/ijepa_fmnist.py" --device "$device" --probe-device "$device" --data-dir "$data" --threads 1 --eval-epochs 10 --probe-context \
    $args --out "$out/$name" > "$out/$name/log.txt" 2>&1 &
done
wait
echo "variant,args,encoder,linear_probe_acc,knn_acc,rankme,train_seconds" > "$out/sweep.csv"
for v in "${variants[@]}"; do
  name=${v%%|*}; args=${v#*|}
  for enc in target context; do
    f="$out/$name/evals.csv"; [ "$enc" = context ] && f="$out/$name/evals-context.csv"
    if [ -f "$f" ]; then
      awk -F, -v n="$name" -v a="$args" -v e="$enc" 'NR > 1 && $1 == "10" {print n "," a "," e "," $3 "," $4 "," $5 "," $7}' "$f" >> "$out/sweep.csv"
    fi
  done
  tail -2 "$out/$name/log.txt"
done
cat "$out/sweep.csv"
