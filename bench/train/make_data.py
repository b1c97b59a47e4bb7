"""Training and held-out text for bench/train.

Training: HKCanCor conversations (pycantonese, CC BY 4.0) as `vern ingest hkcancor` wrote them,
split 95/5 by a hash of the id. Written twice with the same documents: for vern (JSON Lines with
`id`, `text`) and for mlx-lm (a folder with train.jsonl / valid.jsonl of {"text"}).
Held-out Cantonese, two kinds: the validation documents' text (HKCanCor conversations never
trained on: the same kind of text, as a held-out split usually is), and 400 sentences of the CTCPC
corpus (another corpus in pycantonese, so no document overlaps the training text: how far what was
learnt carries to other Cantonese). Held-out English: the Apache-2.0 and MPL-2.0 licence
texts from /usr/share/common-licenses.

Usage: python3 make_data.py SHARD_DIR OUT_DIR
"""
import hashlib
import io
import json
import os
import sys




def read_shards(folder):
    import subprocess
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".jsonl.zst"):
            continue
        raw = subprocess.run(["zstd", "-dc", os.path.join(folder, name)], check=True, capture_output=True).stdout
        for line in io.StringIO(raw.decode("utf-8")):
            if line.strip():
                yield json.loads(line)


def main():
    shards, out = sys.argv[1], sys.argv[2]
    os.makedirs(os.path.join(out, "mlx"), exist_ok=True)
    train, valid = [], []
    for doc in read_shards(shards):
        bucket = int(hashlib.sha1(doc["id"].encode()).hexdigest(), 16) % 100
        (valid if bucket < 5 else train).append({"id": doc["id"], "text": doc["text"]})
    for name, rows in (("train", train), ("valid", valid)):
        with open(os.path.join(out, f"{name}.jsonl"), "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        with open(os.path.join(out, "mlx", f"{name}.jsonl"), "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps({"text": row["text"]}, ensure_ascii=False) + "\n")
    with open(os.path.join(out, "heldout-hkcancor.txt"), "w", encoding="utf-8") as f:
        for row in valid:
            f.write(row["text"].strip() + "\n")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sents = json.load(open(os.path.join(root, "vendor/data/pycantonese/ctcpc/sents.json"), encoding="utf-8"))
    with open(os.path.join(out, "heldout-yue.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(s.replace(" ", "") for s in sents[5000:5400]) + "\n")
    with open(os.path.join(out, "heldout-en.txt"), "w", encoding="utf-8") as f:
        for name in ("Apache-2.0", "MPL-2.0"):
            f.write(open(f"/usr/share/common-licenses/{name}", encoding="utf-8").read())
    print(f"{len(train)} training and {len(valid)} validation documents in {out}")


if __name__ == "__main__":
    main()
