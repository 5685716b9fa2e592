#!/usr/bin/env bash
# Builds the benchmarks module, checks that every library learns, measures the core's peak FLOP rate, runs the JMH
# benchmarks (with -prof gc; every edgetrain row once per kernel set, plain and vector) and prints the results table
# (also written to benchmarks/target/results/table.md).
#
#   benchmarks/run.sh            the full run: 3 forks x 5 x 1 s measured per row (about 75 minutes)
#   benchmarks/run.sh --quick    a smoke check: 1 fork, short iterations, quick learning check (about 15 minutes)
#   benchmarks/run.sh -- ARGS    extra JMH arguments for every JMH run, e.g. -- -p net=64-32-10
#
# Needs Java 17 or newer as `java` on the PATH, Java 25 (Smile 6.3 and this module's compiler need it: $JAVA25_HOME,
# else Temurin's or Debian's JDK 25 under /usr/lib/jvm), Debian's libopenblas (Smile) and, for the full learning
# check, dataset-fashion-mnist. Run as root, the script installs what is missing from the machine's apt sources;
# otherwise it stops and prints the command to run.
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

arch="$(dpkg --print-architecture 2>/dev/null || echo amd64)"
java25_dirs=(${JAVA25_HOME:+"$JAVA25_HOME"} "/usr/lib/jvm/temurin-25-jdk-$arch" "/usr/lib/jvm/java-25-openjdk-$arch")
find_java25() {
  local d
  for d in "${java25_dirs[@]}"; do
    if [ -x "$d/bin/javac" ]; then echo "$d"; return 0; fi
  done
  return 1
}
# Whether the machine's apt sources serve a package (a candidate version).
apt_serves() { apt-cache policy "$1" 2>/dev/null | grep -q 'Candidate: [0-9]'; }

need_pkgs=()
if ! command -v java >/dev/null || ! java --add-modules jdk.incubator.vector -version >/dev/null 2>&1; then
  need_pkgs+=(openjdk-17-jdk-headless) # Java 8-16 lack the Vector API the vector kernels run on
fi
java25_pkg=""
if ! find_java25 >/dev/null; then
  [ "$(id -u)" = 0 ] && apt-get update -q >/dev/null
  for p in temurin-25-jdk openjdk-25-jdk-headless; do
    if apt_serves "$p"; then java25_pkg="$p"; need_pkgs+=("$p"); break; fi
  done
  if [ -z "$java25_pkg" ]; then
    cat >&2 <<EOF2
Java 25 not found (looked in: ${java25_dirs[*]}), and this machine's apt sources serve neither temurin-25-jdk nor
openjdk-25-jdk-headless (Debian 12 serves Java 17 only). Smile 6.3 and this module's compiler need it. Either set
JAVA25_HOME to a JDK 25, or add Adoptium's apt repository and install Temurin 25 (as root):
  apt-get install -y wget gpg
  wget -qO - https://packages.adoptium.net/artifactory/api/gpg/key/public \\
    | gpg --dearmor > /etc/apt/trusted.gpg.d/adoptium.gpg
  echo "deb https://packages.adoptium.net/artifactory/deb \$(. /etc/os-release; echo \$VERSION_CODENAME) main" \\
    > /etc/apt/sources.list.d/adoptium.list
  apt-get update && apt-get install -y temurin-25-jdk
EOF2
    exit 1
  fi
fi
ldconfig -p | grep -q 'libopenblas\.so' || need_pkgs+=(libopenblas-dev)
[ $quick = 1 ] || [ -d /usr/share/datasets/fashion-mnist ] || need_pkgs+=(dataset-fashion-mnist)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -q >/dev/null
    apt-get install -y -q "${need_pkgs[@]}" >/dev/null
  else
    echo "missing Debian packages: ${need_pkgs[*]} (as root: apt-get update && apt-get install -y ${need_pkgs[*]})" >&2
    exit 1
  fi
fi
JAVA25_HOME="$(find_java25)"

./mvnw -B -q -Pbenchmarks -pl benchmarks -am package -DskipTests -Dmaven.javadoc.skip=true \
  -Djava25.home="$JAVA25_HOME"
jar=benchmarks/target/benchmarks.jar
out=benchmarks/target/results
rm -rf "$out"
mkdir -p "$out"

if [ $quick = 1 ]; then
  jmh_opts=(-f 1 -wi 3 -i 3 -w 1s -r 500ms) # 3 s of warm-up: C2 must have compiled the vector kernels
  check_opts=(--quick)
else
  jmh_opts=(-f 3 -wi 5 -i 5 -w 1s -r 1s)
  check_opts=()
fi
djl=(-Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1)
vector=(--add-modules jdk.incubator.vector)
# One JMH run at a time per machine (JMH's lock, /tmp/jmh.lock): wait while someone else's run holds it.
jmh() {
  local jvm="$1"
  shift
  while lslocks -n -o PATH 2>/dev/null | grep -qx '/tmp/jmh.lock'; do
    echo "waiting for another JMH run to end: $(lslocks -n -o COMMAND,PID,PATH | grep jmh.lock | head -1)" >&2
    sleep 15
  done
  "$jvm" -jar "$jar" "$@"
}

echo "== the core's peak FP32 rate (tools.PeakFlops)"
java "${vector[@]}" -cp "$jar" dev.edgetrain.benchmarks.tools.PeakFlops > "$out/peak.txt"
peak="$(sed -n 's/^measured-peak-gflops=//p' "$out/peak.txt")"
{
  echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc --all) cores, $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "CPU: $(lscpu | sed -n 's/^Vendor ID: *//p') family $(lscpu | sed -n 's/^CPU family: *//p')" \
    "model $(lscpu | sed -n 's/^Model: *//p'), $(uname -m)" \
    "$(lscpu | sed -n 's/^Hypervisor vendor: */(a virtual machine on /p' | sed 's/$/)/')"
  echo "vector flags: $( (grep -o 'avx[^ ]*\|fma\|asimd\|sve' /proc/cpuinfo || true) | sort -u | tr '\n' ' ')"
  grep -v '^measured-peak-gflops=' "$out/peak.txt"
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
java "${vector[@]}" "${djl[@]}" -cp "$jar" dev.edgetrain.benchmarks.LearningCheck "${check_opts[@]}" \
  --out "$out/learning.md" edgetrain-plain edgetrain-vector encog djl dl4j
"$JAVA25_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$jar" dev.edgetrain.benchmarks.LearningCheck \
  "${check_opts[@]}" --out "$out/learning.md" smile

echo "== JMH on Java 17: edgetrain, onnxruntime, Encog, DJL, DL4J"
jmh java 'Edgetrain(Training|Inference)|OnnxRuntimeInference|(Encog|Djl|Dl4j)Training' \
  "${jmh_opts[@]}" -prof gc -rf json -rff "$out/jdk17.json" "${jmh_extra[@]}" | tee "$out/jdk17.txt"
echo "== JMH on Java 17, two threads: edgetrain's ComputePool and onnxruntime's intra-op threads"
jmh java 'EdgetrainInference|OnnxRuntimeInference' -p threads=2 -p batch=256 \
  "${jmh_opts[@]}" -prof gc -rf json -rff "$out/jdk17-threads.json" "${jmh_extra[@]}" | tee "$out/jdk17-threads.txt"
jmh java 'EdgetrainTraining.trainStep' -p threads=2 -p batch=64 \
  "${jmh_opts[@]}" -prof gc -rf json -rff "$out/jdk17-threads-training.json" "${jmh_extra[@]}" \
  | tee "$out/jdk17-threads-training.txt"
echo "== JMH on Java 25: Smile 6.3 and edgetrain's training step"
jmh "$JAVA25_HOME/bin/java" 'SmileTraining|EdgetrainTraining.trainStep' \
  "${jmh_opts[@]}" -prof gc -rf json -rff "$out/jdk25.json" "${jmh_extra[@]}" | tee "$out/jdk25.txt"

echo "load after: $(uptime)" | tee -a "$out/environment.txt"
{
  cat "$out/environment.txt"
  echo
  java -cp "$jar" dev.edgetrain.benchmarks.Report --peak "$peak" --alloc "$out/allocation.txt" "$out/jdk17.json" \
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
