#!/usr/bin/env bash
# Builds the benchmarks module, checks that every library learns, runs the JMH benchmarks (with -prof gc)
# and prints the results table (also written to benchmarks/target/results/table.md).
#
#   benchmarks/run.sh            the full run: 3 forks x 5 x 1 s measured per row (about 45 minutes)
#   benchmarks/run.sh --quick    a smoke check: 1 fork, short iterations, quick learning check (about 8 minutes)
#   benchmarks/run.sh -- ARGS    extra JMH arguments for both JMH runs, e.g. -- -p net=64-32-10
#
# Needs Java 17 (java on PATH), Java 25 at $JAVA25_HOME (default /usr/lib/jvm/temurin-25-jdk-amd64) for
# Smile 6.3, Debian's libopenblas (Smile) and, for the full learning check, dataset-fashion-mnist; as root the
# script installs the two Debian packages when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
jmh_extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --) shift; jmh_extra=("$@"); break ;;
    *) echo "unknown argument '$1' (expected --quick or -- JMH-ARGS)" >&2; exit 2 ;;
  esac
  shift
done

JAVA25_HOME="${JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
if [ ! -x "$JAVA25_HOME/bin/java" ]; then
  echo "Java 25 not found at $JAVA25_HOME (Smile 6.3 and the benchmarks' compiler need it); set JAVA25_HOME" >&2
  exit 1
fi
need_pkgs=()
ldconfig -p | grep -q 'libopenblas\.so' || need_pkgs+=(libopenblas-dev)
[ $quick = 1 ] || [ -d /usr/share/datasets/fashion-mnist ] || need_pkgs+=(dataset-fashion-mnist)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y -q "${need_pkgs[@]}" >/dev/null
  else
    echo "missing Debian packages: ${need_pkgs[*]} (apt-get install -y ${need_pkgs[*]})" >&2
    exit 1
  fi
fi

./mvnw -B -q -Pbenchmarks -pl benchmarks -am package -DskipTests -Dmaven.javadoc.skip=true
jar=benchmarks/target/benchmarks.jar
out=benchmarks/target/results
rm -rf "$out"
mkdir -p "$out"

if [ $quick = 1 ]; then
  jmh_opts=(-f 1 -wi 2 -i 3 -w 500ms -r 500ms)
  check_opts=(--quick)
else
  jmh_opts=(-f 3 -wi 5 -i 5 -w 1s -r 1s)
  check_opts=()
fi
djl=(-Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1)

{
  echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc --all) cores, $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "Java 17: $(java -version 2>&1 | head -1)"
  echo "Java 25: $("$JAVA25_HOME/bin/java" -version 2>&1 | head -1)"
  echo "load before: $(uptime)"
} | tee "$out/environment.txt"

# One thread for every native library: the comparison is single-threaded (the 2-thread rows below set
# onnxruntime's and edgetrain's thread counts explicitly).
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
# The edgetrain benchmarks append their exact per-call allocation here (see AllocationMeter).
export EDGETRAIN_ALLOC_OUT="$PWD/$out/allocation.txt"

echo "== learning check"
java "${djl[@]}" -cp "$jar" dev.edgetrain.benchmarks.LearningCheck "${check_opts[@]}" --out "$out/learning.md" \
  edgetrain encog djl dl4j
"$JAVA25_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$jar" dev.edgetrain.benchmarks.LearningCheck \
  "${check_opts[@]}" --out "$out/learning.md" smile

echo "== JMH on Java 17: edgetrain, onnxruntime, Encog, DJL, DL4J"
java -jar "$jar" 'Edgetrain(Training|Inference)|OnnxRuntimeInference|(Encog|Djl|Dl4j)Training' \
  "${jmh_opts[@]}" -prof gc -rf json -rff "$out/jdk17.json" "${jmh_extra[@]}" | tee "$out/jdk17.txt"
echo "== JMH on Java 17, two threads: edgetrain's ComputePool and onnxruntime's intra-op threads"
java -jar "$jar" 'EdgetrainInference|OnnxRuntimeInference' -p threads=2 -p batch=256 \
  "${jmh_opts[@]}" -prof gc -rf json -rff "$out/jdk17-threads.json" "${jmh_extra[@]}" | tee "$out/jdk17-threads.txt"
java -jar "$jar" 'EdgetrainTraining.trainStep' -p threads=2 -p batch=64 \
  "${jmh_opts[@]}" -prof gc -rf json -rff "$out/jdk17-threads-training.json" "${jmh_extra[@]}" \
  | tee "$out/jdk17-threads-training.txt"
echo "== JMH on Java 25: Smile 6.3 and edgetrain's training step"
"$JAVA25_HOME/bin/java" -jar "$jar" 'SmileTraining|EdgetrainTraining.trainStep' \
  "${jmh_opts[@]}" -prof gc -rf json -rff "$out/jdk25.json" "${jmh_extra[@]}" | tee "$out/jdk25.txt"

echo "load after: $(uptime)" | tee -a "$out/environment.txt"
{
  cat "$out/environment.txt"
  echo
  java -cp "$jar" dev.edgetrain.benchmarks.Report --alloc "$out/allocation.txt" "$out/jdk17.json" \
    "$out/jdk17-threads.json" "$out/jdk17-threads-training.json" "$out/jdk25.json"
  echo
  echo "### Learning check (held-out accuracy before and after the benchmarked steps; chance is 10%)"
  echo
  echo "| library | network | data | epochs x batches of 32 | accuracy before | accuracy after | time | verdict |"
  echo "|---|---|---|---|---|---|---|---|"
  cat "$out/learning.md"
} > "$out/table.md"
echo
cat "$out/table.md"
