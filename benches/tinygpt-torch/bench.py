"""Loads the committed weights into the PyTorch rebuild, checks its logits
against ours, then times training steps (forward + backward + AdamW step) on
one thread with the configuration of the book's run.

Usage (from the workspace root, through run.sh): python bench.py SAMPLE_JSON
SAMPLE_JSON is written by `cargo bench -p tinygpt --bench train_throughput`:
the token ids of a sample, our logits for them, and the training settings.
"""

import json
import os
import sys
import time

import torch
from safetensors.torch import load_file
from torch.nn import functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tinygpt_torch import TinyGPT, load_config  # noqa: E402

DATA = "book/data/tinygpt"


def cpu_seconds():
    # Time this thread actually ran: the machine may be shared.
    with open("/proc/self/schedstat") as f:
        return int(f.read().split()[0]) / 1e9


def main():
    torch.set_num_threads(1)
    with open(sys.argv[1], encoding="utf-8") as f:
        sample = json.load(f)
    cfg = load_config(f"{DATA}/config.json")
    model = TinyGPT(cfg)
    model.load_file_tensors(load_file(f"{DATA}/model.safetensors"))
    model.eval()

    # 1. Same logits as the Rust model, from the page's description alone.
    tokens = torch.tensor([sample["tokens"]])
    with torch.no_grad():
        logits = model(tokens)[0]
    ours = torch.tensor(sample["logits"]).view_as(logits)
    diff = (logits - ours).abs().max().item()
    scale = ours.abs().max().item()
    same_argmax = bool((logits.argmax(-1) == ours.argmax(-1)).all())
    print(f"logits: {logits.shape[0]} positions x {logits.shape[1]}, max |torch - ours| = {diff:.3e} "
          f"(largest |logit| {scale:.2f}), same argmax everywhere: {same_argmax}")
    if not (diff < 1e-4 * max(1.0, scale) and same_argmax):
        sys.exit("logits differ: the PyTorch rebuild does not match the Rust model")

    # 2. Training throughput, identical configuration, one thread.
    tr = sample["train"]
    b, t, v = tr["batch_size"], tr["seq_len"], cfg["vocab_size"]
    model.train()
    model.init_like_page(cfg["n_layer"], cfg["initializer_range"])
    decay = [p for n, p in model.named_for_file().items() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_for_file().items() if p.dim() < 2]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": tr["weight_decay"]}, {"params": no_decay, "weight_decay": 0.0}],
        lr=tr["lr"], betas=(tr["beta1"], tr["beta2"]), eps=tr["eps"],
    )
    gen = torch.Generator().manual_seed(0)
    data = torch.randint(0, v, (64, b, t + 1), generator=gen)

    def step(i):
        x = data[i % data.shape[0]]
        logits = model(x[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, v), x[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), tr["clip"])
        opt.step()

    for i in range(5):
        step(i)
    n = tr["steps"]
    w0, c0 = time.perf_counter(), cpu_seconds()
    for i in range(n):
        step(i)
    wall, cpu = time.perf_counter() - w0, cpu_seconds() - c0
    tokens_per_step = b * t
    print(f"torch {torch.__version__}, 1 thread: {n} steps of {tokens_per_step} tokens: "
          f"{wall * 1e3 / n:.1f} ms/step wall, {cpu * 1e3 / n:.1f} ms/step CPU; "
          f"{tokens_per_step * n / wall:.0f} tokens/s wall, {tokens_per_step * n / cpu:.0f} tokens/s CPU")
    with open(os.path.join(os.path.dirname(sys.argv[1]), "torch.json"), "w", encoding="utf-8") as f:
        json.dump({"wall_tokens_per_s": tokens_per_step * n / wall, "cpu_tokens_per_s": tokens_per_step * n / cpu}, f)


if __name__ == "__main__":
    main()
