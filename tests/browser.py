"""Headless Chromium driven over the DevTools protocol (CDP), for end-to-end browser tests.

Debian's `chromium` is started as the machines need it (root: --no-sandbox; no network of
its own: background networking off; every host but loopback unresolvable), and a page is
driven through one websocket with flattened sessions. Every request the page makes is kept.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import websockets

from tests.pg import free_port

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",  # we run as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--window-size=1400,900",
    # Belt and braces for "no traffic off loopback": other names do not even resolve.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]


def find_chromium() -> str | None:
    """The Chromium binary, or None when it is not installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


class BrowserError(Exception):
    """The browser did something unexpected (crashed, a page script failed...)."""


@dataclass
class Page:
    """One tab, attached through a flattened session on the browser's websocket.

    Attributes:
        browser: the connection it belongs to.
        session_id: its CDP session.
        requests: every request it sent (CDP `Request` objects: url, method, headers...).
        errors: console errors, uncaught exceptions, failed loads and CSP violations.
    """

    browser: Browser
    session_id: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    async def send(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """Send a CDP command to this page and return its result."""
        return await self.browser.send(method, params, session_id=self.session_id)

    async def goto(self, url: str, within_s: float = 15.0) -> None:
        """Navigate and wait for the load event."""
        loaded = self.browser.expect("Page.loadEventFired", self.session_id)
        await self.send("Page.navigate", {"url": url})
        await asyncio.wait_for(loaded, within_s)

    async def evaluate(self, expression: str) -> Any:
        """Evaluate JavaScript (awaiting a promise) and return its JSON value."""
        reply = await self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in reply:
            raise BrowserError(f"script failed: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    async def wait_for(self, expression: str, within_s: float = 15.0) -> Any:
        """Evaluate `expression` until it is truthy; return its value (a DOM node: True)."""
        deadline = time.monotonic() + within_s
        probe = f"(v => v instanceof Node ? true : v)({expression})"
        while True:
            value = await self.evaluate(probe)
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"still falsy after {within_s} s: {expression}")
            await asyncio.sleep(0.1)

    async def screenshot(self, path: Path) -> None:
        """Save a PNG of the viewport."""
        reply = await self.send("Page.captureScreenshot", {"format": "png"})
        await asyncio.to_thread(_write, path, base64.b64decode(reply["data"]))


class Browser:
    """A CDP connection to a running Chromium."""

    def __init__(self, connection: Any) -> None:
        """Wrap an open websocket to the browser target."""
        self._ws = connection
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._waiters: list[tuple[str, str | None, asyncio.Future[dict[str, Any]]]] = []
        self._pages: dict[str, Page] = {}
        self._reader = asyncio.create_task(self._read())

    async def send(
        self, method: str, params: dict[str, Any] | None = None, session_id: str | None = None
    ) -> dict[str, Any]:
        """Send a command and wait for its answer."""
        message: dict[str, Any] = {"id": next(self._ids), "method": method, "params": params or {}}
        if session_id:
            message["sessionId"] = session_id
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[message["id"]] = future
        await self._ws.send(json.dumps(message))
        return await asyncio.wait_for(future, 30)

    def expect(self, method: str, session_id: str | None) -> asyncio.Future[dict[str, Any]]:
        """A future for the next event `method` (register it before causing the event)."""
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiters.append((method, session_id, future))
        return future

    async def new_page(self) -> Page:
        """Open a blank tab that records its requests and console messages."""
        target = await self.send("Target.createTarget", {"url": "about:blank"})
        attached = await self.send(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}
        )
        page = Page(self, attached["sessionId"])
        self._pages[page.session_id] = page
        for domain in ("Page", "Network", "Runtime", "Log"):
            await page.send(f"{domain}.enable")
        return page

    async def close(self) -> None:
        """Stop reading and close the connection."""
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader
        await self._ws.close()

    async def _read(self) -> None:
        async for raw in self._ws:
            message = json.loads(raw)
            if "id" in message:
                future = self._pending.pop(message["id"], None)
                if future is not None and not future.done():
                    if "error" in message:
                        future.set_exception(BrowserError(str(message["error"])))
                    else:
                        future.set_result(message.get("result", {}))
                continue
            self._event(message)
        # The browser went away: whatever still waits for an answer will not get one.
        for future in self._pending.values():
            if not future.done():
                future.set_exception(BrowserError("the browser closed the connection"))

    def _event(self, message: dict[str, Any]) -> None:
        method, params = message["method"], message.get("params", {})
        session = message.get("sessionId")
        page = self._pages.get(session or "")
        if page is not None:
            _record(page, method, params)
        for waiter in list(self._waiters):
            wanted, wanted_session, future = waiter
            if wanted == method and wanted_session in (None, session) and not future.done():
                future.set_result(params)
                self._waiters.remove(waiter)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _record(page: Page, method: str, params: dict[str, Any]) -> None:
    if method == "Network.requestWillBeSent":
        page.requests.append(params["request"])
    elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
        page.errors.append(" ".join(str(a.get("value", "")) for a in params.get("args", [])))
    elif method == "Runtime.exceptionThrown":
        page.errors.append(str(params["exceptionDetails"].get("text")))
    elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
        page.errors.append(f"{params['entry'].get('text')} {params['entry'].get('url', '')}")


@contextlib.asynccontextmanager
async def chromium(profile_dir: Path, binary: str | None = None) -> AsyncIterator[Browser]:
    """Start headless Chromium with a fresh profile; yield a CDP connection to it."""
    executable = binary or find_chromium()
    if executable is None:
        raise BrowserError("chromium is not installed")
    port = free_port()
    process = _start(executable, profile_dir, port)
    try:
        endpoint = await _debugger_url(process, port)
        async with websockets.connect(endpoint, max_size=None) as connection:
            browser = Browser(connection)
            try:
                yield browser
            finally:
                await browser.close()
    finally:
        await asyncio.to_thread(_stop, process)


def _start(executable: str, profile_dir: Path, port: int) -> subprocess.Popen[bytes]:
    with (profile_dir / "chromium.log").open("wb") as log:
        return subprocess.Popen(
            [executable, *CHROMIUM_FLAGS, f"--user-data-dir={profile_dir / 'profile'}",
             f"--remote-debugging-port={port}", "--remote-debugging-address=127.0.0.1",
             "about:blank"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: see _stop
        )  # fmt: skip


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop Chromium and every process it started (renderers, GPU, crash handler).

    Its children outlive the main process by a moment and may still write into the
    profile: the profile's folder can only be removed once the whole group is gone.
    """
    group = process.pid
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGTERM)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(group, signal.SIGKILL if time.monotonic() > deadline - 5 else 0)
        except ProcessLookupError:
            return  # no process of the group is left
        time.sleep(0.05)


async def _debugger_url(process: subprocess.Popen[bytes], port: int, within_s: float = 20) -> str:
    deadline = time.monotonic() + within_s
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise BrowserError(f"chromium exited with code {process.returncode}")
            try:
                reply = await client.get(f"http://127.0.0.1:{port}/json/version", timeout=1)
                url: str = reply.json()["webSocketDebuggerUrl"]
                return url
            except (httpx.HTTPError, ValueError, KeyError):
                await asyncio.sleep(0.1)
    raise BrowserError(f"chromium's debugger did not answer within {within_s} s")
