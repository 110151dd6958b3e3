"""The tiny GPT of the guide's part 6, rebuilt in PyTorch from the description
on the page 权重：safetensors 与 config.json (book/src/part6/weights.md).

Pre-norm GPT-2 blocks; LayerNorm (eps from config.json); GELU, tanh
approximation; learned absolute positions; every linear layer has a bias and
stores its weight as [in, out] (y = x @ W + b, Hugging Face's Conv1D layout);
the output layer is the token embedding, transposed (tied).
"""

import json
import math

import torch
from torch import nn
from torch.nn import functional as F


class Block(nn.Module):
    def __init__(self, d, n_head, d_ff, eps):
        super().__init__()
        self.n_head = n_head
        self.ln_1 = nn.LayerNorm(d, eps=eps)
        self.c_attn_w = nn.Parameter(torch.zeros(d, 3 * d))
        self.c_attn_b = nn.Parameter(torch.zeros(3 * d))
        self.c_proj_w = nn.Parameter(torch.zeros(d, d))
        self.c_proj_b = nn.Parameter(torch.zeros(d))
        self.ln_2 = nn.LayerNorm(d, eps=eps)
        self.fc_w = nn.Parameter(torch.zeros(d, d_ff))
        self.fc_b = nn.Parameter(torch.zeros(d_ff))
        self.fc2_w = nn.Parameter(torch.zeros(d_ff, d))
        self.fc2_b = nn.Parameter(torch.zeros(d))

    def forward(self, x):
        b, t, d = x.shape
        h = self.n_head
        qkv = torch.addmm(self.c_attn_b, self.ln_1(x).view(b * t, d), self.c_attn_w)
        q, k, v = qkv.view(b, t, 3, h, d // h).permute(2, 0, 3, 1, 4)  # each (b, h, t, hd)
        att = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        att = att.transpose(1, 2).reshape(b * t, d)
        x = x + torch.addmm(self.c_proj_b, att, self.c_proj_w).view(b, t, d)
        hid = F.gelu(torch.addmm(self.fc_b, self.ln_2(x).view(b * t, d), self.fc_w), approximate="tanh")
        return x + torch.addmm(self.fc2_b, hid, self.fc2_w).view(b, t, d)


class TinyGPT(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["n_embd"]
        self.wte = nn.Parameter(torch.zeros(cfg["vocab_size"], d))
        self.wpe = nn.Parameter(torch.zeros(cfg["n_positions"], d))
        self.h = nn.ModuleList(
            Block(d, cfg["n_head"], cfg["n_inner"], cfg["layer_norm_epsilon"]) for _ in range(cfg["n_layer"])
        )
        self.ln_f = nn.LayerNorm(d, eps=cfg["layer_norm_epsilon"])

    def forward(self, idx):
        b, t = idx.shape
        x = self.wte[idx] + self.wpe[:t]
        for block in self.h:
            x = block(x)
        return self.ln_f(x) @ self.wte.T

    # Names in our safetensors file (Hugging Face GPT-2 names) -> parameters here.
    def named_for_file(self):
        out = {"wte.weight": self.wte, "wpe.weight": self.wpe,
               "ln_f.weight": self.ln_f.weight, "ln_f.bias": self.ln_f.bias}
        for i, blk in enumerate(self.h):
            p = f"h.{i}."
            out.update({
                p + "ln_1.weight": blk.ln_1.weight, p + "ln_1.bias": blk.ln_1.bias,
                p + "attn.c_attn.weight": blk.c_attn_w, p + "attn.c_attn.bias": blk.c_attn_b,
                p + "attn.c_proj.weight": blk.c_proj_w, p + "attn.c_proj.bias": blk.c_proj_b,
                p + "ln_2.weight": blk.ln_2.weight, p + "ln_2.bias": blk.ln_2.bias,
                p + "mlp.c_fc.weight": blk.fc_w, p + "mlp.c_fc.bias": blk.fc_b,
                p + "mlp.c_proj.weight": blk.fc2_w, p + "mlp.c_proj.bias": blk.fc2_b,
            })
        return out

    def load_file_tensors(self, tensors):
        mine = self.named_for_file()
        missing = sorted(set(mine) - set(tensors))
        extra = sorted(set(tensors) - set(mine))
        if missing or extra:
            raise ValueError(f"tensor names differ: missing {missing}, unexpected {extra}")
        with torch.no_grad():
            for name, param in mine.items():
                if tuple(tensors[name].shape) != tuple(param.shape):
                    raise ValueError(f"{name}: shape {tuple(tensors[name].shape)}, expected {tuple(param.shape)}")
                param.copy_(tensors[name])

    def init_like_page(self, n_layer, std=0.02):
        """GPT-2's initialisation (same distributions as ours, different draws)."""
        with torch.no_grad():
            for name, p in self.named_for_file().items():
                if name.endswith("ln_1.weight") or name.endswith("ln_2.weight") or name == "ln_f.weight":
                    p.fill_(1.0)
                elif name.endswith(".bias"):
                    p.zero_()
                elif name.endswith("c_proj.weight"):
                    p.normal_(0.0, std / math.sqrt(2 * n_layer))
                else:
                    p.normal_(0.0, std)


def load_config(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)
