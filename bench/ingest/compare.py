#!/usr/bin/env python3
"""Wiki dump extraction: `vern ingest wiki` against wikiextractor and mwparserfromhell's strip_code().

Generates a MediaWiki dump of N pages (default 20,000) built from the constructs the Swift fixture
tests cover (WikitextRendererTests), compresses it with bzip2, runs the three extractors on it on
the same cores, and reports pages/s plus, per construct, the share of pages where each tool kept
what a reader sees (or dropped what a reader does not see).

    python3 bench/ingest/compare.py [--pages 20000] [--vern .build/release/vern] [--workers 2] [--repeat 3]
"""
import argparse
import bz2
import json
import multiprocessing
import os
import resource
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

# Each construct: wikitext, a marker, and whether the marker must be kept (True) or dropped (False).
CONSTRUCTS = {
    "heading": ("== 標題子{i} ==", "標題子", True),
    "bold/italic": ("'''粗體戊{i}'''同''斜體{i}''", "粗體戊", True),
    "link label": ("[[目標頁{i}|連結標籤己{i}]]", "連結標籤己", True),
    "list item": ("* 列表項丁{i}\n# 編號項{i}", "列表項丁", True),
    "infobox field": ("{{{{Infobox settlement\n| name = 地方{i}\n| 人口 = 資訊框值甲{i}\n| image = X{i}.jpg\n}}}}", "資訊框值甲", True),
    "table cell": ('{{| class="wikitable"\n! 年份 !! 數值\n|-\n| 表格格仔乙{i} || 三\n|}}', "表格格仔乙", True),
    "rowspan cell": ('{{|\n| rowspan="2" | 跨行格丙{i} || 甲\n|-\n| 乙\n|}}', "跨行格丙", True),
    "nested template": ("{{{{lang|en|{{{{nowrap|內層模辛{i}}}}}}}}}", "內層模辛", True),
    "conversion (zh-hk)": ("-{{zh-hans:简式庚{i};zh-hk:港式庚{i};}}-", "港式庚", True),
    "conversion other variant dropped": ("-{{zh-hans:简式庚{i};zh-hk:港式庚{i};}}-", "简式庚", False),
    "ref body dropped": ("事實<ref>{{{{cite web|title=引用內容壬{i}}}}}</ref>。", "引用內容壬", False),
    "math dropped": ("公式<math>E=mc^2 + x_{i}</math>。", "mc^2", False),
    "gallery dropped": ("<gallery>\nFile:A{i}.jpg|畫廊說明癸{i}\n</gallery>", "畫廊說明癸", False),
    "category dropped": ("[[Category:分類詞{i}]]", "分類詞", False),
    "no braces left": ("{{{{未知模{i}|參數}}}}", "{{", False),
}


def page_text(i):
    body = [f"'''條目{i}'''係一個測試頁，用嚟比較抽取工具。"]
    for wikitext, _, _ in CONSTRUCTS.values():
        body.append(wikitext.format(i=i))
        body.append(f"段落文字{i}，講吓香港嘅天氣同飲食。")
    return "\n\n".join(body)


def escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def make_dump(path, pages):
    with bz2.open(path, "wt", encoding="utf-8") as out:
        out.write('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" version="0.10" xml:lang="zh-yue">\n'
                  "  <siteinfo>\n    <sitename>維基百科</sitename>\n    <dbname>zh_yuewiki</dbname>\n"
                  "    <base>https://zh-yue.wikipedia.org/wiki/頭版</base>\n    <generator>MediaWiki 1.42</generator>\n"
                  '    <case>first-letter</case>\n    <namespaces>\n      <namespace key="0" case="first-letter" />\n'
                  '      <namespace key="10" case="first-letter">Template</namespace>\n'
                  '      <namespace key="14" case="first-letter">Category</namespace>\n    </namespaces>\n  </siteinfo>\n')
        # One tag per line, as real dumps are laid out (wikiextractor reads them line by line).
        for i in range(1, pages + 1):
            out.write(f"  <page>\n    <title>條目{i}</title>\n    <ns>0</ns>\n    <id>{i}</id>\n    <revision>\n"
                      f"      <id>{i * 10}</id>\n      <timestamp>2024-01-01T00:00:00Z</timestamp>\n"
                      f"      <model>wikitext</model>\n      <format>text/x-wiki</format>\n"
                      f'      <text bytes="1" xml:space="preserve">{escape(page_text(i))}</text>\n'
                      f"    </revision>\n  </page>\n")
        out.write("</mediawiki>\n")


def strip_page(text):
    import mwparserfromhell
    return mwparserfromhell.parse(text).strip_code()


def run_mwparserfromhell(dump, workers):
    texts = []
    with bz2.open(dump, "rb") as stream:
        for _, element in ET.iterparse(stream):
            if element.tag.endswith("}text") or element.tag == "text":
                texts.append(element.text or "")
                element.clear()
    with multiprocessing.Pool(workers) as pool:
        return pool.map(strip_page, texts, chunksize=64)


def read_jsonl_texts(folder):
    texts = {}
    for root, _, files in os.walk(folder):
        for name in files:
            if name.endswith(".json"):
                continue  # ingest-report.json, not documents
            with open(os.path.join(root, name), encoding="utf-8") as f:
                for line in f:
                    if line.strip():
                        record = json.loads(line)
                        texts[str(record.get("id"))] = record["text"]
    return texts


def score(texts, count):
    result = {}
    for name, (_, marker, keep) in CONSTRUCTS.items():
        good = 0
        for i in range(1, count + 1):
            text = texts.get(i, "")
            present = marker in text
            good += present if keep else not present
        result[name] = good / count
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=20000)
    parser.add_argument("--vern", default=".build/release/vern")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--work", default="bench/ingest/work")
    parser.add_argument("--repeat", type=int, default=3, help="runs of vern and wikiextractor each, alternating")
    args = parser.parse_args()

    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    dump = os.path.join(args.work, "zh_yuewiki-bench.xml.bz2")
    make_dump(dump, args.pages)
    load = os.getloadavg()
    print(f"dump: {args.pages} pages, {os.path.getsize(dump) / 1e6:.1f} MB bz2; {args.workers} workers each")

    def timed(run):
        """Wall seconds and CPU seconds (this process and its children) of one run."""
        before = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
        start = time.perf_counter()
        value = run()
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
        cpu = sum(a.ru_utime + a.ru_stime - b.ru_utime - b.ru_stime for a, b in zip(after, before))
        return wall, cpu, value

    def run_vern():
        shutil.rmtree(f"{args.work}/vern", ignore_errors=True)
        subprocess.run([args.vern, "ingest", "wiki", dump, "--output", f"{args.work}/vern", "--compression", "none",
                        "--workers", str(args.workers),
                        "--quiet"], check=True, stdout=subprocess.DEVNULL)
        return {int(k.split("/")[-1]): v for k, v in read_jsonl_texts(f"{args.work}/vern").items()}

    def run_wikiextractor():
        shutil.rmtree(f"{args.work}/wikiextractor", ignore_errors=True)
        subprocess.run([sys.executable, "-m", "wikiextractor.WikiExtractor", dump, "-o", f"{args.work}/wikiextractor",
                        "--json", "--processes", str(args.workers), "-q"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return {int(k): v for k, v in read_jsonl_texts(f"{args.work}/wikiextractor").items()}

    # vern and wikiextractor alternate, `--repeat` times each, so load from other work on a shared
    # machine falls on both; the medians are reported. Reading the outputs back is inside each
    # timing, equally for both. mwparserfromhell (slow) runs once.
    runs = {"vern ingest wiki": [], "wikiextractor 3.1": []}
    texts_of = {}
    for _ in range(args.repeat):
        for name, run in (("vern ingest wiki", run_vern), ("wikiextractor 3.1", run_wikiextractor)):
            wall, cpu, texts_of[name] = timed(run)
            runs[name].append((wall, cpu))
    wall, cpu, stripped = timed(lambda: run_mwparserfromhell(dump, args.workers))
    runs["mwparserfromhell strip_code"] = [(wall, cpu)]
    texts_of["mwparserfromhell strip_code"] = {i + 1: t for i, t in enumerate(stripped)}

    median = lambda values: sorted(values)[len(values) // 2]
    results = {name: (median([w for w, _ in timings]), median([c for _, c in timings]), texts_of[name])
               for name, timings in runs.items()}
    print(f"load average before: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; after: "
          + " ".join(f"{x:.1f}" for x in os.getloadavg()))
    print(f"\n{'tool':30} {'wall s':>8} {'pages/s':>9} {'CPU s':>8} {'pages/CPU-s':>12}   (all wall times)")
    for name, (seconds, cpu, _) in results.items():
        walls = " ".join(f"{w:.2f}" for w, _ in runs[name])
        print(f"{name:30} {seconds:8.2f} {args.pages / seconds:9.0f} {cpu:8.2f} {args.pages / cpu:12.0f}   ({walls})")
    vern, base = results["vern ingest wiki"], results["wikiextractor 3.1"]
    print(f"\nvern over wikiextractor: {base[0] / vern[0]:.1f}x pages/s (median wall), "
          f"{base[1] / vern[1]:.1f}x pages per CPU-second")

    scores = {name: score(texts, args.pages) for name, (_, _, texts) in results.items()}
    names = list(results)
    print(f"\n{'construct (share of pages right)':36}" + "".join(f"{n[:18]:>20}" for n in names))
    for construct in CONSTRUCTS:
        print(f"{construct:36}" + "".join(f"{scores[n][construct]:20.2f}" for n in names))


if __name__ == "__main__":
    main()
