"""Converts torchtitan's last DCP checkpoint to a Hugging Face folder and compares perplexities.

usage: compare.py BUNDLE CHECKPOINT_FOLDER HF_OUT DOCUMENTS.jsonl VERN

The conversion is what torchtitan's scripts/checkpoint_conversion/convert_to_hf.py does (that script
is in the repository, not in the wheel): build the train spec's model, dcp.load the checkpoint into
its state dict, and map it with the spec's own state-dict adapter (to_hf). The weights are written
as one float32 model.safetensors beside the bundle's config.json and the tokenizer.

Then the first document is scored twice: by torchtitan's model in torch (mean negative log-likelihood
of every token after the first) and by `vern perplexity --json` on the converted folder. They agree
when the conversion, vern's loader and vern's Llama forward pass all match torchtitan's.
"""
import json
import math
import os
import shutil
import subprocess
import sys

import torch
import torch.distributed.checkpoint as dcp
from safetensors.torch import save_file
from tokenizers import Tokenizer

bundle, checkpoints, output, documents, vern = sys.argv[1:6]
sys.path.insert(0, bundle)
import vern_megatron  # noqa: E402,F401  (registers the train spec)
import torchtitan.protocols.train_spec as train_spec_module  # noqa: E402
from torchtitan.components.checkpoint import ModelWrapper  # noqa: E402

steps = sorted((int(name.split("-")[1]), name) for name in os.listdir(checkpoints) if name.startswith("step-"))
step_folder = os.path.join(checkpoints, steps[-1][1])
spec = train_spec_module.get_train_spec("vern_llama3")
args = spec.model_args["vern"]
model = spec.model_cls(args)
wrapper = ModelWrapper(model)
state = wrapper._get_state_dict()
dcp.load(state, checkpoint_id=step_folder)
model.load_state_dict(state)
model.eval()
adapter = spec.state_dict_adapter(args, None)
hf_state = {name: tensor.contiguous().to(torch.float32) for name, tensor in adapter.to_hf(state).items()}
os.makedirs(output, exist_ok=True)
save_file(hf_state, os.path.join(output, "model.safetensors"), metadata={"format": "pt"})
shutil.copy(os.path.join(bundle, "model_config.json"), os.path.join(output, "config.json"))
tokenizer_json = os.path.join(os.path.dirname(bundle), "tokenizer", "tokenizer.json")
shutil.copy(tokenizer_json, os.path.join(output, "tokenizer.json"))
print(f"converted {step_folder} to {output} ({len(hf_state)} tensors)")

with open(documents, encoding="utf-8") as f:
    text = json.loads(f.readline())["text"]
with open(os.path.join(output, "document.txt"), "w", encoding="utf-8") as f:
    f.write(text)
ids = Tokenizer.from_file(tokenizer_json).encode(text, add_special_tokens=False).ids
with torch.no_grad():
    logits = model(torch.tensor([ids]))
    nll = torch.nn.functional.cross_entropy(logits[0, :-1].float(), torch.tensor(ids[1:]), reduction="mean").item()
torch_ppl = math.exp(nll)

result = subprocess.run([vern, "perplexity", "--model", output, "--input", os.path.join(output, "document.txt"),
                         "--context", "512", "--json"], capture_output=True, text=True)
if result.returncode != 0:
    sys.exit(f"vern perplexity failed: {result.stderr}")
report = json.loads(result.stdout)
vern_ppl = report.get("token_perplexity") or report.get("tokenPerplexity")
print(f"tokens {len(ids)}; torchtitan perplexity {torch_ppl:.6f}; vern perplexity {vern_ppl:.6f}; "
      f"relative difference {abs(vern_ppl - torch_ppl) / torch_ppl:.2e}")
if abs(vern_ppl - torch_ppl) / torch_ppl > 1e-3:
    sys.exit("the perplexities differ by more than 0.1%")
