#!/usr/bin/env python3
"""Scores the held-out set with our model and with the two pip detectors in the same run, and
prints precision/recall, accuracy, confusion matrices and sentences/s as Markdown.

    python3 bench/langid/compare.py --eval bench/out/langid/eval.tsv

Needs `pip install canto-filter==1.1.4 cantonesedetect==1.1.2` and a release build of
langid-bench (`swift build -c release --product langid-bench`). Every system runs on one core;
each time is the best of 5 passes over the whole set.
"""
import argparse
import re
import subprocess
import time

LABELS = ["yue", "zh", "en", "mixed", "other"]
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def read_eval(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            label, text = line.rstrip("\n").split("\t", 1)
            rows.append((label, text))
    return rows


def timed(fn, texts, passes=5):
    best = float("inf")
    for _ in range(passes):
        start = time.perf_counter()
        out = [fn(t) for t in texts]
        best = min(best, time.perf_counter() - start)
    return out, len(texts) / best


def peers(texts):
    from cantofilter import judge
    from cantonesedetect.Detector import CantoneseDetector
    # Both peers answer cantonese / mandarin|swc / mixed / neutral; neither knows English, so
    # `neutral` maps to `other`.
    canto_filter_map = {"cantonese": "yue", "mandarin": "zh", "mixed": "mixed", "neutral": "other"}
    detector = CantoneseDetector()
    detect_map = {"cantonese": "yue", "swc": "zh", "mixed": "mixed", "neutral": "other"}
    a, a_speed = timed(lambda t: canto_filter_map[str(judge(t))], texts)
    b, b_speed = timed(lambda t: detect_map.get(str(detector.judge(t)), "mixed"), texts)
    return {"canto-filter 1.1.4": (a, a_speed), "cantonesedetect 1.1.2": (b, b_speed)}


def pr(gold, pred, label):
    tp = sum(1 for g, p in zip(gold, pred) if g == label and p == label)
    predicted = sum(1 for p in pred if p == label)
    actual = sum(1 for g in gold if g == label)
    return (tp / predicted if predicted else float("nan"), tp / actual if actual else float("nan"), actual, predicted)


def confusion(gold, pred):
    lines = ["| gold \\ predicted | " + " | ".join(LABELS) + " | total |", "|---" * (len(LABELS) + 2) + "|"]
    for g in LABELS:
        row = [sum(1 for x, y in zip(gold, pred) if x == g and y == p) for p in LABELS]
        lines.append(f"| **{g}** | " + " | ".join(str(v) for v in row) + f" | {sum(row)} |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--eval", default="bench/out/langid/eval.tsv")
    ap.add_argument("--pack", default="langs/yue.yaml")
    ap.add_argument("--bench", default=".build/release/langid-bench")
    ap.add_argument("--pred", default="bench/out/langid/pred-ours.tsv")
    args = ap.parse_args()

    rows = read_eval(args.eval)
    gold = [g for g, _ in rows]
    texts = [t for _, t in rows]
    out = subprocess.run([args.bench, "eval", args.pack, args.eval, args.pred], check=True, capture_output=True, text=True).stdout
    ours_speed = float(re.search(r"= (\d+) sentences/s", out).group(1))
    with open(args.pred, encoding="utf-8") as f:
        ours = [line.split("\t")[0] for line in f]
    systems = {"Vernacular langid": (ours, ours_speed)}
    systems.update(peers(texts))

    long_idx = [i for i, t in enumerate(texts) if len(HAN.findall(t)) >= 8]
    print(f"Evaluation set: {len(rows)} sentences; {len(long_idx)} with at least 8 Han characters.\n")
    print("Counts by gold label: " + ", ".join(f"{l} {gold.count(l)}" for l in LABELS) + "\n")
    # A sentence from a Cantonese source with no Cantonese-only word is written Chinese that
    # either variety could have produced (公司廠房難以繼續維持正常運作。). The "decidable" view
    # drops those gold-yue sentences, judged by canto-filter's own list of Cantonese-only
    # characters and words, so the test of "Cantonese evidence" is not ours.
    from cantofilter.judge import CANTO_UNIQUE_CHAR, CANTO_UNIQUE_WORD
    def decidable(i):
        return gold[i] != "yue" or CANTO_UNIQUE_CHAR.search(texts[i]) or CANTO_UNIQUE_WORD.search(texts[i])
    views = [("all sentences with >= 8 Han characters (source labels)", long_idx),
             ("decidable sentences with >= 8 Han characters", [i for i in long_idx if decidable(i)])]
    for title, idx in views:
        undecidable = sum(1 for i in long_idx if i not in set(idx))
        print(f"## {title}: {len(idx)} sentences" + (f" ({undecidable} gold-yue without Cantonese evidence left out)" if undecidable else "") + "\n")
        print("| system | yue precision | yue recall | zh precision | zh recall | sentences/s (1 core) |")
        print("|---|---|---|---|---|---|")
        for name, (pred, speed) in systems.items():
            g = [gold[i] for i in idx]
            p = [pred[i] for i in idx]
            yp, yr, _, _ = pr(g, p, "yue")
            zp, zr, _, _ = pr(g, p, "zh")
            print(f"| {name} | {yp:.2%} | {yr:.2%} | {zp:.2%} | {zr:.2%} | {speed:,.0f} |")
        print()
    print("## All sentences\n")
    print("| system | accuracy | yue P / R | zh P / R | en P / R | mixed P / R | other P / R |")
    print("|---|---|---|---|---|---|---|")
    for name, (pred, _) in systems.items():
        acc = sum(1 for g, p in zip(gold, pred) if g == p) / len(gold)
        cells = []
        for label in ["yue", "zh", "en", "mixed", "other"]:
            p_, r_, _, _ = pr(gold, pred, label)
            cells.append(f"{p_:.1%} / {r_:.1%}")
        print(f"| {name} | {acc:.2%} | " + " | ".join(cells) + " |")
    print()
    for name, (pred, _) in systems.items():
        print(f"### Confusion matrix: {name}, all sentences\n")
        print(confusion(gold, pred) + "\n")
    # Script invariance: the whole set turned Simplified (OpenCC t2s) and Traditional (s2hk).
    for config in ("t2s.json", "s2hk.json"):
        converted = subprocess.run(["opencc", "-c", config], input="".join(f"{g}\t{t}\n" for g, t in rows),
                                   capture_output=True, text=True, check=True).stdout
        path = args.eval + "." + config.split(".")[0]
        with open(path, "w", encoding="utf-8") as f:
            f.write(converted)
        subprocess.run([args.bench, "eval", args.pack, path, path + ".pred"], check=True, capture_output=True)
        with open(path + ".pred", encoding="utf-8") as f:
            other = [line.split("\t")[0] for line in f]
        changed = sum(1 for a, b in zip(ours, other) if a != b)
        print(f"Script invariance ({config}): {changed} of {len(ours)} labels change.\n")
    speed = {n: s for n, (_, s) in systems.items()}
    slowest_peer = max(v for k, v in speed.items() if k != "Vernacular langid")
    print(f"Speed: ours / fastest peer = {ours_speed / slowest_peer:.1f}x\n")


if __name__ == "__main__":
    main()
