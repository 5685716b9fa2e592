#!/usr/bin/env bash
# The README's digits accuracy-versus-epsilon table and plot: DP-SGD on the shipped digits (64-64-10, batch 256,
# 20 epochs, SGD at learning rate 1, C = 1, delta 1e-5) at several target epsilons, five seeds each, and the same
# training without DP; the test accuracies go to a CSV and the plot to docs/privacy-digits-epsilon.png.
# Needs python3 and the built CLI jar (./mvnw -B -DskipTests -pl cli -am package), which also carries JFreeChart.
# Usage: [EDGETRAIN_JAR=edgetrain.jar] benchmarks/privacy/digits-epsilon.sh [RESULTS.csv]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cli="${EDGETRAIN_JAR:-$repo/cli/target/edgetrain.jar}"
results="${1:-$repo/benchmarks/privacy/digits-epsilon.csv}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
out=(--no-verify --json --out "$work/m.onnx")
settings=(--batch-size 256 --epochs 20 --optimizer sgd --lr 1 "${out[@]}")
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
echo "kind,target,epsilon,seed,accuracy" > "$results"
echo "not_private_(DP_runs'_settings),,,1,$(java -jar "$cli" train "${settings[@]}" | field 'd["test_accuracy"]')" \
  >> "$results"
echo "not_private_(defaults),,,1,$(java -jar "$cli" train "${out[@]}" | field 'd["test_accuracy"]')" >> "$results"
for seed in 11 12 13 14 15; do
  for eps in 0.5 1 2 3 5 8; do
    java -jar "$cli" train "${settings[@]}" --dp-clip 1 --dp-epsilon "$eps" --dp-seed "$seed" \
      | field '"dp,'"$eps"',%s,'"$seed"',%s" % (d["privacy"]["epsilon"], d["test_accuracy"])' >> "$results"
  done
done
mkdir -p "$repo/docs"
java -cp "$cli" "$here/PlotEpsilon.java" "$results" "$repo/docs/privacy-digits-epsilon.png" \
  "DP-SGD on digits (64-64-10), 5 runs per epsilon"
