"""Reads release folders with the Hugging Face libraries and prints what they found as one JSON
object, for the Swift tests to compare with what vern wrote.

  check_release.py dataset DIR          load_dataset(DIR): splits, rows, ids, columns
  check_release.py card dataset|model README.md   huggingface_hub's card parser: the metadata
  check_release.py logits DIR IDS OUT   the numpy Llama's logits for IDS (comma-separated) to OUT (float32)
"""
import json
import os
import sys


def dataset(folder):
    from datasets import load_dataset

    # all_checks: the card's num_examples and num_bytes must match what datasets reads.
    loaded = load_dataset(folder, verification_mode="all_checks")
    return {"splits": {name: {"rows": split.num_rows, "ids": list(split["id"]), "columns": split.column_names,
                              "licenses": sorted(set(list(split["license"])))} for name, split in loaded.items()}}


def card(kind, path):
    from huggingface_hub import DatasetCard, ModelCard

    loaded = (DatasetCard if kind == "dataset" else ModelCard).load(path)
    found = {"metadata": loaded.data.to_dict()}
    if kind == "model":
        found["eval_results"] = [{"dataset": r.dataset_name, "metric": r.metric_type, "value": r.metric_value}
                                 for r in (loaded.data.eval_results or [])]
    return found


def logits(folder, ids, out):
    import numpy as np
    from llama_numpy import LlamaNumpy

    values = LlamaNumpy(folder).logits([int(i) for i in ids.split(",")])
    values.astype("<f4").tofile(out)
    return {"shape": list(values.shape)}


def main():
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    command = sys.argv[1]
    if command == "dataset":
        result = dataset(sys.argv[2])
    elif command == "card":
        result = card(sys.argv[2], sys.argv[3])
    elif command == "logits":
        result = logits(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
