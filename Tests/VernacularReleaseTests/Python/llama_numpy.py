"""A Llama forward pass in numpy, written from the published architecture (Touvron et al. 2023,
and the Hugging Face config names), to check that a released model folder means the same model
to a loader that shares no code with vern.

Legend: T tokens, C hidden size, H attention heads, K key/value heads, D head size, V vocabulary.
Computed in float64 so the reference's own rounding is far below the float32 model's.
"""
import json
import os

import numpy as np
from safetensors.numpy import load_file


class LlamaNumpy:
    def __init__(self, folder):
        with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
            self.config = json.load(f)
        c = self.config
        if c.get("model_type") not in ("llama",) or c.get("rope_scaling") not in (None, {}):
            raise ValueError(f"{folder}: this reference reads plain Llama configs, not {c.get('model_type')} / {c.get('rope_scaling')}")
        self.layers = c["num_hidden_layers"]
        self.heads = c["num_attention_heads"]
        self.kv_heads = c.get("num_key_value_heads", self.heads)
        self.head_dim = c.get("head_dim") or c["hidden_size"] // self.heads
        self.eps = c["rms_norm_eps"]
        self.theta = c.get("rope_theta", 10000.0)
        tensors = load_file(os.path.join(folder, "model.safetensors"))
        self.w = {name: array.astype(np.float64) for name, array in tensors.items()}
        if "lm_head.weight" not in self.w:
            if not c.get("tie_word_embeddings", False):
                raise ValueError(f"{folder}: no lm_head.weight and tie_word_embeddings is false")
            self.w["lm_head.weight"] = self.w["model.embed_tokens.weight"]

    def norm(self, x, weight):
        # RMSNorm: x (T, C) scaled by the reciprocal root mean square, then by the weight (C).
        return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + self.eps) * weight

    def rope(self, x, positions):
        # x (T, heads, D); rotate-half layout: the pairs are (i, i + D/2), as Hugging Face stores Q and K.
        half = self.head_dim // 2
        inverse = 1.0 / (self.theta ** (np.arange(0, half, dtype=np.float64) * 2 / self.head_dim))
        angles = positions[:, None] * inverse[None, :]  # (T, D/2)
        cos = np.cos(np.concatenate([angles, angles], axis=-1))[:, None, :]
        sin = np.sin(np.concatenate([angles, angles], axis=-1))[:, None, :]
        rotated = np.concatenate([-x[..., half:], x[..., :half]], axis=-1)
        return x * cos + rotated * sin

    def linear(self, x, name):
        y = x @ self.w[name + ".weight"].T
        bias = self.w.get(name + ".bias")
        return y if bias is None else y + bias

    def logits(self, ids):
        """ids: a list of T token ids; returns (T, V) float64 logits."""
        x = self.w["model.embed_tokens.weight"][np.asarray(ids)]  # (T, C)
        t = len(ids)
        positions = np.arange(t, dtype=np.float64)
        mask = np.triu(np.full((t, t), -np.inf), k=1)
        group = self.heads // self.kv_heads
        for layer in range(self.layers):
            p = f"model.layers.{layer}."
            h = self.norm(x, self.w[p + "input_layernorm.weight"])
            q = self.rope(self.linear(h, p + "self_attn.q_proj").reshape(t, self.heads, self.head_dim), positions)
            k = self.rope(self.linear(h, p + "self_attn.k_proj").reshape(t, self.kv_heads, self.head_dim), positions)
            v = self.linear(h, p + "self_attn.v_proj").reshape(t, self.kv_heads, self.head_dim)
            k = np.repeat(k, group, axis=1)  # (T, H, D): each key/value head serves `group` query heads
            v = np.repeat(v, group, axis=1)
            scores = np.einsum("thd,shd->hts", q, k) / np.sqrt(self.head_dim) + mask  # (H, T, T)
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            attended = np.einsum("hts,shd->thd", scores, v).reshape(t, self.heads * self.head_dim)
            x = x + self.linear(attended, p + "self_attn.o_proj")
            h = self.norm(x, self.w[p + "post_attention_layernorm.weight"])
            gate = self.linear(h, p + "mlp.gate_proj")
            x = x + self.linear(gate / (1 + np.exp(-gate)) * self.linear(h, p + "mlp.up_proj"), p + "mlp.down_proj")
        return self.norm(x, self.w["model.norm.weight"]) @ self.w["lm_head.weight"].T
