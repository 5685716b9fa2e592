#!/usr/bin/env bash
# The data layer's measurements: peak resident memory and time of train / evaluate / predict on the data sets of
# make-data.py, and fleet score against local predict on the same files in the same run. Needs GNU time
# (apt install time), python3, the built jars (./mvnw -B -DskipTests package) and, for fashion,
# apt install dataset-fashion-mnist. Usage: benchmarks/data-layer/measure.sh [DATA_DIR] (default: a temporary
# directory; the data sets are made there when missing).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
data="${1:-${TMPDIR:-/tmp}/edgetrain-data-layer}"
mkdir -p "$data"
cd "$data"
[ -f synthetic-50k-200.csv ] || python3 "$here/make-data.py" mid
[ -f synthetic-2m-100.csv ] || python3 "$here/make-data.py" big
[ -f fashion-mnist.csv ] || [ ! -d /usr/share/datasets/fashion-mnist ] || python3 "$here/make-data.py" fashion
cli="$repo/cli/target/edgetrain.jar"
fleet="$repo/fleet/target/edgetrain-fleet.jar"
grep -m1 "model name" /proc/cpuinfo; grep -o 'avx512f\|avx2' /proc/cpuinfo | sort -u | tr '\n' ' '; echo; java -version 2>&1 | head -1
m() { # label, command...
  local label=$1; shift
  rm -rf scored predictions.csv
  /usr/bin/time -f "%e %U %S %M %x" -o time.txt "$@" >/dev/null 2>err.txt || true
  read -r wall user sys rss rc < time.txt
  printf '%-44s wall %6.2f s  cpu %6.2f s  peak RSS %5d MB  exit %s\n' "$label" "$wall" \
      "$(echo "$user + $sys" | bc)" $((rss / 1024)) "$rc"
  [ "$rc" = 0 ] || tail -1 err.txt
}
if [ -f fashion-mnist.csv ]; then
  m "fashion train --epochs 5, -Xmx1g" java -Xmx1g -jar "$cli" train --data fashion-mnist.csv --out f.onnx --epochs 5 --quiet
fi
m "2M x 100 train --epochs 2, -Xmx256m" java -Xmx256m -jar "$cli" train --data synthetic-2m-100.csv --out big.onnx --epochs 2 --quiet
m "50k x 200 train --epochs 5" java -jar "$cli" train --data synthetic-50k-200.csv --out mid.onnx --epochs 5 --quiet
m "50k x 200 evaluate" java -jar "$cli" evaluate --model mid.onnx --data synthetic-50k-200.csv --quiet
for f in "synthetic-50k-200.csv mid.onnx" "synthetic-2m-100.csv big.onnx"; do
  set -- $f
  for i in 1 2 3; do
    m "$1 predict --out" java -jar "$cli" predict --model "$2" --data "$1" --out predictions.csv --quiet
    m "$1 fleet score --predictions" java -jar "$fleet" fleet score --model "$2" --data "$1" --predictions scored --quiet
    m "$1 fleet score (counting)" java -jar "$fleet" fleet score --model "$2" --data "$1" --quiet
  done
done
