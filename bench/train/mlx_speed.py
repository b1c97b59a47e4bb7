"""Median tokens/s of an `mlx_lm lora` log, its first step left out (graph building).

mlx-lm up to 0.2x prints "Iter N: Train loss L, ..., Tokens/sec T"; 0.3x prints a table whose
training rows read "N  L [▲▼]  T  K" (iteration, loss, tokens/s, tokens so far) beside "val" rows.
"""
import re
import sys

text = re.sub(r"\x1b\[[0-9;]*m", "", open(sys.argv[1], encoding="utf-8").read())
rates = [float(x) for x in re.findall(r"Tokens/sec ([0-9.]+)", text)]
if not rates:
    rates = [float(m.group(1)) for m in re.finditer(r"^\s*\d+\s+[0-9.]+\s*[▲▼]?\s+([0-9.]+)\s+[0-9.]+k?\s*$", text, re.M)]
if len(rates) < 2:
    sys.exit(f"{sys.argv[1]}: no training speed found")
rates = sorted(rates[1:])
print(f"{rates[len(rates) // 2]:.1f}")
