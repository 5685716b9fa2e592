#!/usr/bin/env bash
# Regenerates the sample models from the shipped data sets. Fixed seeds: the same machine and JDK give the
# same bytes (cli's SampleModelsTest re-runs each line below and compares with the committed file).
set -euo pipefail
cd "$(dirname "$0")/.."
./edgetrain train --data models/data/iris.csv --out models/iris.onnx --hidden 16 --epochs 100 --batch-size 16 --lr 0.01 --seed 1 --quiet
./edgetrain train --data models/data/wine.csv --out models/wine.onnx --hidden 16 --epochs 100 --batch-size 16 --lr 0.01 --seed 1 --quiet
./edgetrain train --data models/data/breast_cancer.csv --out models/breast_cancer.onnx --hidden 32 --epochs 60 --batch-size 16 --seed 1 --quiet
./edgetrain train --data models/data/digits.csv --out models/digits.onnx --hidden 64 --epochs 30 --batch-size 32 --seed 1 --quiet
./edgetrain train --data models/data/breast_cancer.csv --out models/breast_cancer_binary.onnx --task binary --hidden 32 --activation gelu --layer-norm --dropout 0.1 --epochs 60 --batch-size 16 --seed 1 --quiet
