"""Drives a running `vern serve` with the official `openai` package, as a user's program would.

Usage: openai_client_check.py BASE_URL API_KEY
Prints one line per check and exits non-zero at the first failure. Exit 3: openai not installed.
"""
import concurrent.futures
import json
import sys
import urllib.error
import urllib.request

try:
    import openai
except ImportError:
    print("SKIP: the openai package is not installed (pip install openai)")
    sys.exit(3)

base, key = sys.argv[1], sys.argv[2]
client = openai.OpenAI(base_url=base + "/v1", api_key=key, max_retries=0, timeout=120)
QUESTION = [{"role": "user", "content": "What is the capital of France?"}]


def check(name, condition, detail=""):
    if not condition:
        print(f"FAIL {name}: {detail}")
        sys.exit(1)
    print(f"ok   {name}")


# /v1/models names the model requests use.
models = client.models.list()
model = models.data[0].id
check("models.list", len(models.data) == 1 and model == "smollm2", models)

# A plain chat completion.
plain = client.chat.completions.create(model=model, messages=QUESTION, temperature=0, max_tokens=24)
answer = plain.choices[0].message.content
check("chat: object", plain.object == "chat.completion", plain.object)
check("chat: answer mentions Paris", "Paris" in answer, answer)
check("chat: role", plain.choices[0].message.role == "assistant")
check("chat: finish_reason", plain.choices[0].finish_reason in ("stop", "length"), plain.choices[0].finish_reason)
check("chat: usage", plain.usage.prompt_tokens > 0 and plain.usage.completion_tokens > 0
      and plain.usage.total_tokens == plain.usage.prompt_tokens + plain.usage.completion_tokens, plain.usage)

# The same request streamed: identical text (greedy), role first, finish_reason, then usage.
chunks = list(client.chat.completions.create(model=model, messages=QUESTION, temperature=0, max_tokens=24,
                                             stream=True, stream_options={"include_usage": True}))
check("stream: chunk object", all(c.object == "chat.completion.chunk" for c in chunks))
check("stream: one id", len({c.id for c in chunks}) == 1)
check("stream: first delta has the role", chunks[0].choices[0].delta.role == "assistant", chunks[0])
content_chunks = [c for c in chunks if c.choices]
streamed = "".join(c.choices[0].delta.content or "" for c in content_chunks)
check("stream: same text as the plain answer", streamed == answer, f"{streamed!r} vs {answer!r}")
check("stream: last choice chunk has finish_reason",
      content_chunks[-1].choices[0].finish_reason == plain.choices[0].finish_reason, content_chunks[-1])
check("stream: no finish_reason before the end",
      all(c.choices[0].finish_reason is None for c in content_chunks[:-1]))
usage = chunks[-1]
check("stream: usage chunk last, with empty choices", usage.choices == [] and usage.usage is not None, usage)
check("stream: usage matches", usage.usage.completion_tokens == plain.usage.completion_tokens
      and usage.usage.prompt_tokens == plain.usage.prompt_tokens, usage.usage)

# Stop strings end the answer and are never sent, plain or streamed.
stop = "Paris"
stopped = client.chat.completions.create(model=model, messages=QUESTION, temperature=0, max_tokens=24, stop=[stop])
text = stopped.choices[0].message.content
check("stop: answer cut before the stop string", text == answer[:answer.index(stop)], f"{text!r}")
check("stop: finish_reason stop", stopped.choices[0].finish_reason == "stop")
streamed_stop = "".join(c.choices[0].delta.content or "" for c in client.chat.completions.create(
    model=model, messages=QUESTION, temperature=0, max_tokens=24, stop="Paris", stream=True) if c.choices)
check("stop: streamed the same, without the stop string", streamed_stop == text and stop not in streamed_stop,
      repr(streamed_stop))

# Text completions.
completion = client.completions.create(model=model, prompt="The capital of France is", temperature=0, max_tokens=8)
check("completions: text", completion.object == "text_completion" and "Paris" in completion.choices[0].text,
      completion.choices[0].text)

# Errors come back as the client's typed exceptions, with OpenAI's body.
try:
    client.chat.completions.create(model="no-such-model", messages=QUESTION, max_tokens=4)
    check("error: unknown model", False, "no exception")
except openai.NotFoundError as error:
    check("error: unknown model is 404 model_not_found", error.status_code == 404 and error.code == "model_not_found",
          error)
try:
    client.chat.completions.create(model=model, messages=QUESTION, max_tokens=100000)
    check("error: context", False, "no exception")
except openai.BadRequestError as error:
    check("error: prompt + max_tokens over the context is 400 naming both",
          error.status_code == 400 and "100000" in str(error) and "2048" in str(error), error)
try:
    openai.OpenAI(base_url=base + "/v1", api_key="wrong", max_retries=0).models.list()
    check("error: wrong key", False, "no exception")
except openai.AuthenticationError as error:
    check("error: wrong key is 401", error.status_code == 401, error)

# Many clients at once: slots 2 + queue 2 hold 4; the rest get 429 with Retry-After.
def raw(i):
    body = json.dumps({"model": model, "messages": [{"role": "user", "content": f"Count to {i + 20}."}],
                       "max_tokens": 48, "temperature": 0.7, "seed": i}).encode()
    request = urllib.request.Request(base + "/v1/chat/completions", body,
                                     {"Content-Type": "application/json", "Authorization": "Bearer " + key})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            json.load(response)
            return response.status, None
    except urllib.error.HTTPError as error:
        payload = json.load(error)
        return error.code, (error.headers.get("Retry-After"), payload["error"]["type"])

with concurrent.futures.ThreadPoolExecutor(12) as pool:
    results = list(pool.map(raw, range(12)))
statuses = sorted(status for status, _ in results)
check("load: only 200 and 429", set(statuses) <= {200, 429}, statuses)
check("load: slots plus queue answered", statuses.count(200) >= 4, statuses)
check("load: the rest refused", statuses.count(429) >= 1, statuses)
check("load: 429 carries Retry-After and rate_limit_error",
      all(extra == ("1", "rate_limit_error") for status, extra in results if status == 429), results)
print("all checks passed")
