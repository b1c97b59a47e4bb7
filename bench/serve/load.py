"""Load generator for OpenAI-compatible servers on loopback: COUNT streamed chat requests from
CLIENTS concurrent clients, MAX_TOKENS each (ignore_eos, so every answer has the same length),
bounded in time. Prints one JSON object: time to first token p50/p99, aggregate generated tokens/s,
answers by status.

  load.py URL --clients 16 --requests 200 --max-tokens 128 [--model ID] [--time-limit 600]
"""
import argparse
import http.client
import json
import statistics
import threading
import time
import urllib.parse

parser = argparse.ArgumentParser()
parser.add_argument("url")
parser.add_argument("--clients", type=int, default=16)
parser.add_argument("--requests", type=int, default=200)
parser.add_argument("--max-tokens", type=int, default=128)
parser.add_argument("--model", default="")
parser.add_argument("--time-limit", type=float, default=600)
parser.add_argument("--label", default="")
args = parser.parse_args()

target = urllib.parse.urlparse(args.url)
TOPICS = ["Hong Kong", "dim sum", "the Star Ferry", "typhoons", "Cantonese opera", "the MTR", "egg tarts",
          "Lantau Island", "milk tea", "night markets", "the Peak Tram", "wet markets"]
lock = threading.Lock()
next_request = 0
results = []  # (status, ttft or None, tokens, seconds)
deadline = time.time() + args.time_limit


def one(index):
    body = json.dumps({
        "model": args.model, "stream": True, "stream_options": {"include_usage": True},
        "max_tokens": args.max_tokens, "temperature": 0.8, "seed": index, "ignore_eos": True,
        "messages": [{"role": "user", "content": f"Tell me about {TOPICS[index % len(TOPICS)]}. ({index})"}],
    })
    start = time.perf_counter()
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=300)
    try:
        connection.request("POST", "/v1/chat/completions", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        if response.status != 200:
            response.read()
            return response.status, None, 0, time.perf_counter() - start
        first, pieces, usage = None, 0, None
        for raw in response:
            line = raw.decode("utf-8", "replace").strip()
            if not line.startswith("data: ") or line == "data: [DONE]":
                continue
            chunk = json.loads(line[6:])
            if chunk.get("usage"):
                usage = chunk["usage"]
            for choice in chunk.get("choices") or []:
                if (choice.get("delta") or {}).get("content"):
                    pieces += 1
                    if first is None:
                        first = time.perf_counter() - start
        tokens = usage["completion_tokens"] if usage else pieces
        return 200, first, tokens, time.perf_counter() - start
    except Exception as error:  # a dropped connection counts as an error, by its type
        return type(error).__name__, None, 0, time.perf_counter() - start
    finally:
        connection.close()


def client():
    global next_request
    while time.time() < deadline:
        with lock:
            if next_request >= args.requests:
                return
            index = next_request
            next_request += 1
        result = one(index)
        with lock:
            results.append(result)


began = time.perf_counter()
threads = [threading.Thread(target=client) for _ in range(args.clients)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
wall = time.perf_counter() - began

ttfts = sorted(r[1] for r in results if r[1] is not None)


def percentile(values, p):
    if not values:
        return None
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


statuses = {}
for r in results:
    statuses[str(r[0])] = statuses.get(str(r[0]), 0) + 1
generated = sum(r[2] for r in results)
print(json.dumps({
    "label": args.label, "clients": args.clients, "requests": len(results), "max_tokens": args.max_tokens,
    "wall_seconds": round(wall, 2), "generated_tokens": generated,
    "tokens_per_second": round(generated / wall, 1),
    "ttft_p50_ms": round(percentile(ttfts, 50) * 1000, 1) if ttfts else None,
    "ttft_p99_ms": round(percentile(ttfts, 99) * 1000, 1) if ttfts else None,
    "mean_request_seconds": round(statistics.mean(r[3] for r in results), 2) if results else None,
    "statuses": statuses,
}))
