#!/usr/bin/env bash
# Training throughput of tinygpt vs PyTorch CPU eager, same configuration,
# one thread each; and a check that the PyTorch rebuild of the model (written
# from the page 模型 / 权重) loads our committed weights and gives our logits.
#
# Usage: benches/tinygpt-torch/run.sh     (from anywhere; needs python3 -m venv)
# Makes its own venv (default target/tinygpt-torch/venv; override with
# TINYGPT_TORCH_VENV) and installs torch, safetensors and numpy from PyPI:
# a large download the first time. Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv="${TINYGPT_TORCH_VENV:-target/tinygpt-torch/venv}"
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet torch safetensors numpy
fi
sample=target/tinygpt-torch/sample.json
cargo bench --quiet -p tinygpt --bench train_throughput -- "$PWD/$sample"
"$venv/bin/python" benches/tinygpt-torch/bench.py "$sample"
