"""Headless Chromium for the page and notebook tests: dump a page's DOM after its scripts ran, take screenshots,
and drive a live page over the DevTools protocol (CDP).

Debian's ``chromium`` is required (``.ci/run`` installs it when missing); a missing browser is a test failure
with the command that installs it, never a skip. Every run uses a fresh profile folder and the flags that keep
the browser off the network and out of the first-run machinery.

:func:`no_cjk_fonts` makes the browser see only the system fonts without Chinese glyphs, so whatever Chinese the
page shows comes from the font the page embeds.

Example: ``dom = dump_dom(Path("page.html"), tmp_path)``
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Optional

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--hide-scrollbars", "--disable-dev-shm-usage"]


def browser() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        raise AssertionError("headless Chromium is needed for this test: apt-get install -y chromium (.ci/run does this)")
    return path


def no_cjk_fonts(folder: Path) -> dict:
    """Environment in which fontconfig sees only the machine's fonts that have no Chinese glyph (links to them
    in ``folder``), so whatever Chinese a page shows comes from a font the page embeds. (A configuration with
    no font at all is not usable: Chromium then lays out no text.)"""
    from fontTools.ttLib import TTCollection, TTFont

    fonts = folder / "fonts"
    fonts.mkdir(parents=True, exist_ok=True)
    listed = subprocess.run(["fc-list", "--format", "%{file}\n"], capture_output=True, text=True, check=True)
    for i, line in enumerate(sorted(set(listed.stdout.split()))):
        path = Path(line)
        if path.suffix.lower() not in (".ttf", ".otf", ".ttc"):
            continue  # bitmap and Type 1 fonts: not offered
        faces = TTCollection(str(path)).fonts if path.suffix.lower() == ".ttc" else [TTFont(str(path), lazy=True)]
        if not any(ord("中") in (f.getBestCmap() or {}) for f in faces):
            link = fonts / f"{i:03d}-{path.name}"
            if not link.exists():
                link.symlink_to(path)
    conf = folder / "fonts.conf"
    conf.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
                    f"<fontconfig><dir>{fonts}</dir><cachedir>{folder / 'cache'}</cachedir></fontconfig>\n",
                    encoding="utf-8")
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


def _run(args: list[str], tmp: Path, env: Optional[dict], timeout: int = 120) -> subprocess.CompletedProcess:
    profile = tmp / f"profile-{time.monotonic_ns()}"
    cmd = [browser(), *FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)


def dump_dom(page: Path, tmp: Path, env: Optional[dict] = None, budget_ms: int = 10000) -> str:
    """The DOM of ``page`` after its scripts ran (``--virtual-time-budget`` lets timers and promises settle)."""
    proc = _run([f"--virtual-time-budget={budget_ms}", "--dump-dom", page.resolve().as_uri()], tmp, env)
    if proc.returncode != 0:
        raise AssertionError(f"chromium --dump-dom failed: {proc.stderr[-2000:]}")
    return proc.stdout


def screenshot(page: Path, out: Path, tmp: Path, env: Optional[dict] = None, size: tuple[int, int] = (1400, 1800),
               budget_ms: int = 10000) -> Path:
    proc = _run([f"--window-size={size[0]},{size[1]}", f"--virtual-time-budget={budget_ms}", f"--screenshot={out}",
                 page.resolve().as_uri()], tmp, env)
    if proc.returncode != 0 or not out.is_file():
        raise AssertionError(f"chromium --screenshot failed: {proc.stderr[-2000:]}")
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """A live headless Chromium driven over CDP (websocket-client): open a URL, evaluate JS, click, screenshot."""

    def __init__(self, tmp: Path, size: tuple[int, int] = (1400, 900), env: Optional[dict] = None):
        import websocket  # websocket-client, a dependency of the notebooks extra (jupyter)

        self.port = free_port()
        profile = tmp / f"profile-{time.monotonic_ns()}"
        self.proc = subprocess.Popen([browser(), *FLAGS, f"--user-data-dir={profile}", f"--window-size={size[0]},{size[1]}",
                                      f"--remote-debugging-port={self.port}", "about:blank"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        target = self._page_target()
        self.ws = websocket.create_connection(target, timeout=60, suppress_origin=True)
        self.next_id = 0

    def _page_target(self) -> str:
        import urllib.request

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/list", timeout=2) as r:
                    pages = [t for t in json.loads(r.read()) if t.get("type") == "page"]
                if pages:
                    return pages[0]["webSocketDebuggerUrl"]
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError("headless Chromium did not open its DevTools port within 30 s")

    def send(self, method: str, **params) -> dict:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise AssertionError(f"CDP {method}: {msg['error']}")
                return msg.get("result", {})

    def evaluate(self, expression: str):
        res = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        return res.get("result", {}).get("value")

    def wait_for(self, expression: str, timeout: float = 60.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.25)
        raise AssertionError(f"timed out after {timeout:.0f} s waiting for: {expression}")

    def goto(self, url: str) -> None:
        self.send("Page.enable")
        self.send("Page.navigate", url=url)

    def double_click(self, x: float, y: float) -> None:
        self.send("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
        for count in (1, 2):
            for kind in ("mousePressed", "mouseReleased"):
                self.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=count)

    def screenshot(self, out: Path) -> Path:
        import base64

        out.write_bytes(base64.b64decode(self.send("Page.captureScreenshot", format="png")["data"]))
        return out

    def close(self) -> None:
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
