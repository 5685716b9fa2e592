#!/usr/bin/env bash
# The README's Fashion-MNIST row of "Private training": DP-SGD at epsilon 3 (delta 1e-5) against the same training
# without DP, a 784-128-10 network, test accuracy on the 10,000 official test images. Needs Debian's
# dataset-fashion-mnist package, python3 and the built CLI jar (./mvnw -B -DskipTests -pl cli -am package).
# Usage: [EDGETRAIN_JAR=edgetrain.jar] benchmarks/privacy/fashion.sh [DATA_DIR] (default: a temporary directory; the CSVs are made there).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cli="${EDGETRAIN_JAR:-$(cd "$here/../.." && pwd)/cli/target/edgetrain.jar}"
data="${1:-${TMPDIR:-/tmp}/edgetrain-privacy}"
mkdir -p "$data"
cd "$data"
[ -f fashion-test.csv ] || python3 "$here/fashion-csv.py" .
# pixels are already in [0, 1]: no standardization, whose statistics DP-SGD would not cover
common=(--data fashion-train.csv --test-fraction 0 --no-standardize --hidden 128 --epochs 20 --no-verify --quiet)
dp=(--batch-size 1024 --optimizer sgd --dp-clip 1 --dp-delta 1e-5)
run() { # label, extra options...
  local label=$1; shift
  local start=$SECONDS
  java -jar "$cli" train "${common[@]}" --out fashion.onnx "$@" >/dev/null
  local seconds=$((SECONDS - start))
  local accuracy
  accuracy=$(java -jar "$cli" evaluate --model fashion.onnx --data fashion-test.csv | grep -o 'accuracy [0-9.]*%')
  echo "$label: test $accuracy, training $seconds s"
}
for lr in 0.25 0.5 1; do
  run "not private, batch 1024, SGD at learning rate $lr" --batch-size 1024 --optimizer sgd --lr $lr
done
run "not private, batch 128, adam" --batch-size 128 --optimizer adam --lr 0.001
for seed in 11 12 13; do
  run "DP-SGD epsilon 3, batch 1024, SGD at learning rate 4, --dp-seed $seed" "${dp[@]}" --dp-epsilon 3 --lr 4 --dp-seed "$seed"
done
for eps in 1 8; do # the same settings at other budgets, one run each
  run "DP-SGD epsilon $eps, batch 1024, SGD at learning rate 4, --dp-seed 11" "${dp[@]}" --dp-epsilon "$eps" --lr 4 \
    --dp-seed 11
done
