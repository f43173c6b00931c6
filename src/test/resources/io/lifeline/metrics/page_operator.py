#!/usr/bin/env python3
"""Drives the status page in headless Chromium over the DevTools protocol (--remote-debugging-pipe,
so no port is opened): logs in through the page's form, clicks one action button (accepting the
page's confirm dialog) and prints the page's result line. Then, from a page of another site
(served by this script on http://localhost:PORT/, a plain page without the status page's
Content-Security-Policy), tries forged actions and prints what the browser saw. Used by MetricsIT;
stdlib only.

usage: page_operator.py URL USER PASSWORD ACTION PROFILE_DIR
Prints one line per step: "STEP <name> <json>". Exits 1 on a timeout.
"""
import fcntl
import http.server
import threading
import json
import os
import subprocess
import sys
import time

url, user, password, action, profile = sys.argv[1:6]


class EvilPage(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"<!DOCTYPE html><title>another site</title><p>nothing to see"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


evil_server = http.server.HTTPServer(("127.0.0.1", 0), EvilPage)
threading.Thread(target=evil_server.serve_forever, daemon=True).start()
# localhost and 127.0.0.1 are different sites: the SameSite=Strict cookie stays home
other = "http://localhost:%d/" % evil_server.server_port
to_chrome_r, to_chrome_w = os.pipe()
from_chrome_r, from_chrome_w = os.pipe()


def child_fds():
    # Chromium reads commands on fd 3 and writes answers on fd 4. Move both ends out of the way
    # first (one may already sit on 3 or 4), then place them; dup2 makes them survive the exec.
    r = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
    w = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
    os.dup2(r, 3)
    os.dup2(w, 4)


chrome = subprocess.Popen(
    ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--remote-debugging-pipe",
     "--user-data-dir=" + profile, "about:blank"],
    preexec_fn=child_fds, close_fds=False, stdout=subprocess.DEVNULL, stderr=open(profile + ".log", "w"))
os.close(to_chrome_r)
os.close(from_chrome_w)
out = os.fdopen(to_chrome_w, "wb", buffering=0)
inp = os.fdopen(from_chrome_r, "rb", buffering=0)
buffer = b""
next_id = 0
events = []
DEADLINE = time.monotonic() + 90


def read_message():
    global buffer
    while b"\0" not in buffer:
        if time.monotonic() > DEADLINE:
            raise TimeoutError("no answer from chromium")
        chunk = inp.read(65536)
        if not chunk:
            raise EOFError("chromium closed the pipe")
        buffer += chunk
    raw, buffer = buffer.split(b"\0", 1)
    return json.loads(raw)


def send(method, params=None, session=None):
    global next_id
    next_id += 1
    msg = {"id": next_id, "method": method, "params": params or {}}
    if session:
        msg["sessionId"] = session
    out.write(json.dumps(msg).encode() + b"\0")
    while True:
        m = read_message()
        if m.get("id") == next_id:
            if "error" in m:
                raise RuntimeError(method + ": " + json.dumps(m["error"]))
            return m.get("result", {})
        events.append(m)
        on_event(m)


def on_event(m):
    # the page asks "standby?": an operator clicks OK
    if m.get("method") == "Page.javascriptDialogOpening":
        out.write(json.dumps({"id": 0, "method": "Page.handleJavaScriptDialog", "params": {"accept": True},
                              "sessionId": m.get("sessionId")}).encode() + b"\0")


def open_page(address):
    target = send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    send("Page.enable", session=session)
    send("Runtime.enable", session=session)
    send("Page.navigate", {"url": address}, session=session)
    return session


def evaluate(session, expression):
    r = send("Runtime.evaluate", {"expression": expression, "awaitPromise": True, "returnByValue": True},
             session=session)
    if "exceptionDetails" in r:
        return {"exception": r["exceptionDetails"].get("exception", {}).get("description", "?")}
    return r["result"].get("value")


def wait_for(session, expression, what):
    while time.monotonic() < DEADLINE:
        v = evaluate(session, expression)
        if v:
            return v
        time.sleep(0.2)
    print("STEP timeout " + json.dumps(what), flush=True)
    sys.exit(1)


def step(name, value):
    print("STEP " + name + " " + json.dumps(value), flush=True)


try:
    page = open_page(url)
    wait_for(page, "document.getElementById('operator') && document.getElementById('operator').dataset.actions"
                   " === 'login'", "the login form")
    step("before-login", evaluate(page, "document.getElementById('operator').dataset.actions"))
    evaluate(page, "document.getElementById('login-user').value = %s;"
                   "document.getElementById('login-password').value = %s;"
                   "document.getElementById('login-button').click(); true" % (json.dumps(user), json.dumps(password)))
    wait_for(page, "document.getElementById('operator').dataset.actions === 'on'", "logged in")
    step("logged-in", evaluate(page, "document.getElementById('operator-user').textContent"))
    step("cookie-visible-to-script", evaluate(page, "document.cookie"))
    evaluate(page, "document.getElementById('action-%s').click(); true" % action)
    wait_for(page, "document.getElementById('action-result').textContent.startsWith(%s)" % json.dumps(action),
             "the action's result")
    step("result", {"state": evaluate(page, "document.getElementById('action-result').dataset.state"),
                    "text": evaluate(page, "document.getElementById('action-result').textContent")})

    # another origin (same listener, other host name): a forged JSON action and a "simple" no-cors one
    evil = open_page(other)
    wait_for(evil, "document.readyState === 'complete' && location.href !== 'about:blank'", "the other origin's page")
    step("other-origin", evaluate(evil, "location.origin + ' ' + document.title"))
    step("forged-json", evaluate(evil, """
        fetch(%s + '/action', {method: 'POST', credentials: 'include', headers: {'Content-Type': 'application/json'},
              body: JSON.stringify({action: 'online'})})
          .then(r => 'status ' + r.status, e => 'blocked: ' + e.message)""" % json.dumps(url.rstrip('/'))))
    step("forged-simple", evaluate(evil, """
        fetch(%s + '/action', {method: 'POST', mode: 'no-cors', credentials: 'include',
              headers: {'Content-Type': 'text/plain'}, body: JSON.stringify({action: 'online'})})
          .then(r => 'sent, opaque answer', e => 'blocked: ' + e.message)""" % json.dumps(url.rstrip('/'))))
finally:
    try:
        send("Browser.close")
    except Exception:
        pass
    try:
        chrome.wait(timeout=10)
    except subprocess.TimeoutExpired:
        chrome.kill()
