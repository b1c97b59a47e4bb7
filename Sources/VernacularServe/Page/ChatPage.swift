/// The chat page at `GET /`: one self-contained HTML document (no external files, fonts or
/// CDNs) that talks to `/v1/chat/completions` with streaming, shows the answer as it arrives,
/// and can stop it. Fonts fall back through the system's CJK faces so mixed Cantonese and
/// English render, and the layout fits a phone.
public enum ChatPage {
    public static let html = #"""
<!doctype html>
<html lang="yue-Hant-HK">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>vern chat</title>
<style>
:root { --fg:#1d232b; --muted:#66707c; --bg:#f6f7f9; --line:#d8dde3; --me:#dcecff; --bot:#ffffff; --accent:#1f6feb; --bad:#b42318; }
* { box-sizing: border-box; }
html, body { height: 100%; margin: 0; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK TC", "Noto Sans TC",
       "PingFang HK", "Microsoft JhengHei", "WenQuanYi Zen Hei", sans-serif; color: var(--fg); background: var(--bg);
       display: flex; flex-direction: column; }
header { padding: .5rem .75rem; border-bottom: 1px solid var(--line); background: #fff; display: flex; gap: .5rem;
         align-items: center; flex-wrap: wrap; }
header h1 { font-size: 1rem; margin: 0; flex: 1 1 auto; }
#model { color: var(--muted); font-size: .85rem; }
details { width: 100%; }
details label { display: flex; gap: .5rem; align-items: center; margin: .35rem 0; font-size: .9rem; flex-wrap: wrap; }
details textarea, details input[type=password] { flex: 1 1 12rem; font: inherit; padding: .3rem; border: 1px solid var(--line); border-radius: 6px; }
details input[type=number] { width: 6rem; font: inherit; padding: .2rem; }
#log { flex: 1 1 auto; overflow-y: auto; padding: .75rem; display: flex; flex-direction: column; gap: .6rem; }
.msg { max-width: 85%; padding: .5rem .75rem; border-radius: 12px; white-space: pre-wrap; overflow-wrap: anywhere;
       border: 1px solid var(--line); }
.user { align-self: flex-end; background: var(--me); }
.assistant { align-self: flex-start; background: var(--bot); }
.error { align-self: stretch; background: #fdecea; color: var(--bad); border-color: #f3b7b0; }
.meta { color: var(--muted); font-size: .75rem; margin-top: .25rem; white-space: normal; }
form { display: flex; gap: .5rem; padding: .5rem .75rem calc(.5rem + env(safe-area-inset-bottom)); border-top: 1px solid var(--line); background: #fff; }
#input { flex: 1 1 auto; font: inherit; padding: .5rem; border: 1px solid var(--line); border-radius: 8px; resize: none; min-height: 2.6rem; max-height: 9rem; }
button { font: inherit; padding: .45rem .9rem; border-radius: 8px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
button:disabled { opacity: .5; cursor: default; }
@media (max-width: 480px) { .msg { max-width: 95%; } header h1 { font-size: .95rem; } }
</style>
</head>
<body>
<header>
  <h1>vern chat <span id="model"></span></h1>
  <button type="button" class="secondary" id="clear">New chat</button>
  <details>
    <summary>Settings</summary>
    <label>System prompt <textarea id="system" rows="2" placeholder="你係一個樂於助人嘅助手。"></textarea></label>
    <label>Temperature <input id="temperature" type="number" min="0" max="2" step="0.1" value="0.7"></label>
    <label>Max tokens <input id="maxTokens" type="number" min="1" max="4096" step="1" value="256"></label>
    <label>API key <input id="apiKey" type="password" autocomplete="off" placeholder="only if the server has --api-key"></label>
  </details>
</header>
<main id="log" aria-live="polite"></main>
<form id="form">
  <textarea id="input" rows="1" placeholder="講啲嘢… / Say hi" autofocus></textarea>
  <button id="send" type="submit">Send</button>
  <button id="stop" type="button" class="secondary" disabled>Stop</button>
</form>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
const log = $("log"), input = $("input"), send = $("send"), stop = $("stop");
let history = [];
let controller = null;
let modelID = null;

for (const id of ["system", "temperature", "maxTokens", "apiKey"]) {
  const saved = localStorage.getItem("vern." + id);
  if (saved !== null) $(id).value = saved;
  $(id).addEventListener("change", () => localStorage.setItem("vern." + id, $(id).value));
}

function headers() {
  const h = { "Content-Type": "application/json" };
  const key = $("apiKey").value.trim();
  if (key) h["Authorization"] = "Bearer " + key;
  return h;
}

function bubble(role, text) {
  const div = document.createElement("div");
  div.className = "msg " + role;
  div.textContent = text;
  log.appendChild(div);
  log.scrollTop = log.scrollHeight;
  return div;
}

function showError(message) {
  const div = bubble("error", message);
  div.setAttribute("role", "alert");
  return div;
}

async function loadModel() {
  try {
    const response = await fetch("/v1/models", { headers: headers() });
    if (!response.ok) throw new Error(await errorText(response));
    const body = await response.json();
    modelID = body.data[0].id;
    $("model").textContent = "· " + modelID;
  } catch (error) {
    showError("Cannot reach the server: " + error.message);
  }
}

async function errorText(response) {
  try {
    const body = await response.json();
    if (body.error && body.error.message) return response.status + ": " + body.error.message;
  } catch (_) {}
  return "HTTP " + response.status;
}

async function ask(text) {
  history.push({ role: "user", content: text });
  bubble("user", text);
  const answer = bubble("assistant", "");
  answer.classList.add("streaming");
  const messages = [];
  const system = $("system").value.trim();
  if (system) messages.push({ role: "system", content: system });
  messages.push(...history);
  controller = new AbortController();
  send.disabled = true; stop.disabled = false;
  let content = "", finish = null, usage = null;
  const started = performance.now();
  try {
    const response = await fetch("/v1/chat/completions", {
      method: "POST", headers: headers(), signal: controller.signal,
      body: JSON.stringify({
        model: modelID || undefined, messages, stream: true, stream_options: { include_usage: true },
        temperature: Number($("temperature").value), max_tokens: Number($("maxTokens").value),
      }),
    });
    if (!response.ok) throw new Error(await errorText(response));
    const reader = response.body.getReader();
    const decoder = new TextDecoder("utf-8");
    let buffer = "";
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const event = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        for (const line of event.split("\n")) {
          if (!line.startsWith("data: ")) continue;
          const data = line.slice(6);
          if (data === "[DONE]") continue;
          const chunk = JSON.parse(data);
          if (chunk.error) throw new Error(chunk.error.message);
          if (chunk.usage) usage = chunk.usage;
          const choice = chunk.choices && chunk.choices[0];
          if (!choice) continue;
          if (choice.delta && choice.delta.content) {
            content += choice.delta.content;
            answer.textContent = content;
            log.scrollTop = log.scrollHeight;
          }
          if (choice.finish_reason) finish = choice.finish_reason;
        }
      }
    }
  } catch (error) {
    if (error.name === "AbortError") {
      finish = "stopped";
    } else if (error instanceof TypeError) {
      showError("Cannot reach the server (is vern serve still running?): " + error.message);
    } else {
      showError("Error: " + error.message);
    }
  } finally {
    controller = null;
    send.disabled = false; stop.disabled = true;
    answer.classList.remove("streaming");
    if (content) {
      history.push({ role: "assistant", content });
      const meta = document.createElement("div");
      meta.className = "meta";
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      meta.textContent = (finish || "") + (usage ? " · " + usage.completion_tokens + " tokens" : "") + " · " + seconds + " s";
      answer.appendChild(meta);
    } else if (finish !== "stopped") {
      answer.remove();
      history.pop();
    }
  }
}

$("form").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text || controller) return;
  input.value = "";
  ask(text);
});
input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $("form").requestSubmit();
  }
});
stop.addEventListener("click", () => { if (controller) controller.abort(); });
$("clear").addEventListener("click", () => { if (controller) controller.abort(); history = []; log.textContent = ""; });
loadModel();
</script>
</body>
</html>
"""#
}
