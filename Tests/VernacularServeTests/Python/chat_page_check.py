"""Drives the chat page of a running `vern serve` in headless Chromium over the DevTools protocol
(on a pipe, so no extra package is needed), at a phone's size.

Usage: chat_page_check.py CHROMIUM BASE_URL SERVER_PID OUT_DIR
1. types a mixed Cantonese and English message into the box and presses Enter, and waits for the
   streamed answer to appear (seen growing) and finish; screenshot OUT_DIR/chat-answer.png;
2. stops the server (SIGTERM to SERVER_PID), sends another message from the same page, and expects
   a visible error message, not a blank answer; screenshot OUT_DIR/chat-server-stopped.png.
"""
import base64
import json
import os
import signal
import subprocess
import sys
import time

chromium, base, server_pid, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
os.makedirs(out, exist_ok=True)

to_chrome_read, to_chrome_write = os.pipe()
from_chrome_read, from_chrome_write = os.pipe()


def child_fds():
    os.dup2(to_chrome_read, 3)
    os.dup2(from_chrome_write, 4)


browser = subprocess.Popen(
    [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--remote-debugging-pipe",
     "--user-data-dir=" + os.path.join(out, "profile"), "about:blank"],
    pass_fds=(3, 4), preexec_fn=child_fds, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
os.close(to_chrome_read)
os.close(from_chrome_write)
writer = os.fdopen(to_chrome_write, "wb", buffering=0)
reader = os.fdopen(from_chrome_read, "rb", buffering=0)
buffered = b""
next_id = 0


def call(method, params=None, session=None):
    global next_id, buffered
    next_id += 1
    message = {"id": next_id, "method": method, "params": params or {}}
    if session:
        message["sessionId"] = session
    writer.write(json.dumps(message).encode() + b"\0")
    while True:
        while b"\0" not in buffered:
            data = reader.read(65536)
            if not data:
                raise RuntimeError("chromium closed the pipe")
            buffered += data
        raw, buffered = buffered.split(b"\0", 1)
        reply = json.loads(raw)
        if reply.get("id") == next_id:
            if "error" in reply:
                raise RuntimeError(f"{method}: {reply['error']}")
            return reply["result"]


def fail(message):
    print("FAIL " + message)
    browser.kill()
    sys.exit(1)


try:
    target = call("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    call("Emulation.setDeviceMetricsOverride",
         {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}, session)
    call("Page.enable", {}, session)
    call("Page.navigate", {"url": base + "/"}, session)

    def js(expression):
        result = call("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session)
        return result["result"].get("value")

    def wait_for(expression, seconds):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if js(expression):
                return True
            time.sleep(0.05)
        return False

    def screenshot(name):
        data = call("Page.captureScreenshot", {"format": "png"}, session)["data"]
        path = os.path.join(out, name)
        with open(path, "wb") as file:
            file.write(base64.b64decode(data))
        print("screenshot: " + path)

    def type_and_send(text):
        js("document.getElementById('input').focus()")
        call("Input.insertText", {"text": text}, session)
        for kind in ("keyDown", "keyUp"):
            call("Input.dispatchKeyEvent", {"type": kind, "key": "Enter", "code": "Enter",
                                            "windowsVirtualKeyCode": 13, "text": "\r" if kind == "keyDown" else ""},
                 session)

    if not wait_for("document.getElementById('model').textContent.includes('smollm2')", 30):
        fail("the page did not show the model id: " + str(js("document.body.innerText")))
    js("document.getElementById('maxTokens').value = '64'; document.getElementById('temperature').value = '0'")
    type_and_send("你好！Please say good morning in Cantonese.")
    if not wait_for("document.querySelector('.msg.user') !== null", 5):
        fail("the typed message did not appear")
    lengths = set()
    deadline = time.time() + 120
    while time.time() < deadline:
        state = js("(() => { const a = document.querySelector('.msg.assistant'); return a ? "
                   "[a.firstChild ? a.firstChild.textContent.length : 0, a.classList.contains('streaming')] : null })()")
        if state:
            lengths.add(state[0])
            if not state[1]:
                break
        time.sleep(0.02)
    answer = js("document.querySelector('.msg.assistant').innerText")
    if not answer or not answer.strip():
        fail("no answer appeared")
    if len(lengths - {0}) < 2:
        fail(f"the answer did not grow while streaming (lengths seen: {sorted(lengths)})")
    if js("document.querySelector('.msg.error') !== null"):
        fail("an error was shown: " + js("document.querySelector('.msg.error').innerText"))
    print(f"ok   streamed answer ({len(lengths)} lengths seen): {answer!r}")
    screenshot("chat-answer.png")

    # The stop button ends a long answer, and the server frees the slot (the browser's closed
    # connection cancels the generation).
    import urllib.request
    js("document.getElementById('maxTokens').value = '1500'")
    type_and_send("Write a very long story about Hong Kong.")
    if not wait_for("document.querySelectorAll('.msg.assistant').length === 2 && "
                    "document.querySelectorAll('.msg.assistant')[1].textContent.length > 20", 60):
        fail("the second answer did not start")
    js("document.getElementById('stop').click()")
    if not wait_for("!document.querySelectorAll('.msg.assistant')[1].classList.contains('streaming')", 5):
        fail("the stop button did not end the answer")
    meta = js("document.querySelectorAll('.msg.assistant')[1].querySelector('.meta').innerText")
    if not meta.startswith("stopped"):
        fail("the stopped answer is not marked: " + str(meta))
    busy = None
    for _ in range(100):
        metrics = urllib.request.urlopen(base + "/metrics").read().decode()
        busy = [line for line in metrics.splitlines() if line.startswith("vern_busy_slots ")][0]
        if busy == "vern_busy_slots 0":
            break
        time.sleep(0.05)
    if busy != "vern_busy_slots 0":
        fail("the server kept decoding after the stop button: " + busy)
    print("ok   stop button ended the answer and freed the slot: " + meta)

    os.kill(server_pid, signal.SIGTERM)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            os.kill(server_pid, 0)
            time.sleep(0.1)
        except ProcessLookupError:
            break
        except PermissionError:
            break
    time.sleep(0.5)
    type_and_send("仲喺度嗎？")
    if not wait_for("document.querySelector('.msg.error') !== null", 30):
        fail("no error shown with the server stopped: " + str(js("document.body.innerText")))
    error = js("document.querySelector('.msg.error').innerText")
    if "server" not in error.lower():
        fail("the error does not say what is wrong: " + error)
    print("ok   server stopped, the page says: " + error)
    screenshot("chat-server-stopped.png")
    print("all checks passed")
finally:
    browser.kill()
