#!/usr/bin/env python3
"""cdpshot.py - load a page in headless Chromium in real time, wait until a
JavaScript expression is true, then save a screenshot and the DOM.

Usage: cdpshot.py [--until EXPR] [--timeout SECS] [--settle SECS]
                  [--size WxH] [--png FILE] [--dom FILE] URL

Chromium's own --screenshot fires at the load event, before a polling page
has data, and --virtual-time-budget runs its timers faster than the clock;
this drives Chromium over the DevTools protocol on a pipe
(--remote-debugging-pipe: NUL-terminated JSON on fds 3 and 4), so the page
runs at wall-clock speed.  EXPR (default "true") is evaluated every 0.25 s;
after it is true, SETTLE more seconds pass before the capture.  Prints
"until: VALUE" (EXPR's last value, JSON) and "waited: ok" or "waited:
timeout"; exits 1 if Chromium cannot be driven.  Standard library only.
"""
import argparse
import base64
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--remote-debugging-pipe"]


class Browser:
    def __init__(self, size):
        self.profile = tempfile.mkdtemp(prefix="cdpshot.")
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        # above 9 first, so placing them at 3 and 4 cannot clobber either
        ends = (fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10),
                fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10))
        for fd in (to_chrome_r, from_chrome_w):
            os.close(fd)

        def fds():      # the child's fd 3 reads commands, fd 4 writes replies
            os.dup2(ends[0], 3)
            os.dup2(ends[1], 4)

        self.proc = subprocess.Popen(
            ["chromium"] + FLAGS + ["--user-data-dir=" + self.profile,
                                    "--window-size=" + size.replace("x", ",")],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, preexec_fn=fds, close_fds=False)
        for fd in ends:
            os.close(fd)
        self.buf, self.next_id, self.session = b"", 0, None

    def send(self, method, params=None, session=True):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        while True:         # replies only; events are skipped
            reply = self.read()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError("%s: %s" % (method, reply["error"]))
                return reply.get("result", {})

    def read(self):
        while b"\0" not in self.buf:
            chunk = os.read(self.from_chrome, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def evaluate(self, expr):
        r = self.send("Runtime.evaluate", {"expression": expr, "returnByValue": True})
        return r.get("result", {}).get("value")

    def close(self):
        try:
            self.send("Browser.close", session=False)
        except (RuntimeError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--until", default="true")
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--settle", type=float, default=0)
    ap.add_argument("--size", default="1280x1100")
    ap.add_argument("--png")
    ap.add_argument("--dom")
    ap.add_argument("url")
    a = ap.parse_args()
    b = Browser(a.size)
    try:
        target = b.send("Target.createTarget", {"url": "about:blank"}, session=False)
        b.session = b.send("Target.attachToTarget",
                           {"targetId": target["targetId"], "flatten": True},
                           session=False)["sessionId"]
        b.send("Page.enable")
        b.send("Page.navigate", {"url": a.url})
        end, value, ok = time.time() + a.timeout, None, False
        while time.time() < end:
            value = b.evaluate(a.until)
            if value:
                ok = True
                break
            time.sleep(0.25)
        if ok and a.settle > 0:
            time.sleep(a.settle)
            value = b.evaluate(a.until)
        if a.png:
            shot = b.send("Page.captureScreenshot", {"format": "png"})
            with open(a.png, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
        if a.dom:
            with open(a.dom, "w") as f:
                f.write(b.evaluate("document.documentElement.outerHTML") or "")
        print("until: %s" % json.dumps(value))
        print("waited: %s" % ("ok" if ok else "timeout"))
    except (RuntimeError, OSError, KeyError) as e:
        print("cdpshot: %s" % e, file=sys.stderr)
        return 1
    finally:
        b.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
