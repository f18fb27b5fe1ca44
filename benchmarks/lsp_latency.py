"""Edit-to-diagnostics latency of `vetline serve` against `ruff server` in four edit shapes.

Both servers are driven by the same small JSON-RPC client with the same capabilities (push
diagnostics, UTF-16), on the same generated Python module of about 6,400 lines, with the same
edits, in one run. Ruff runs with `select = ["S"]` (its Bandit rules). The shapes (issue 15):

- `typing`: one character per edit inside a function body, back to back (each edit is sent
  as soon as the previous edit's diagnostics arrived): 20 characters typed, then deleted;
- `module`: appending a module-level statement at the end of the file, after a pause;
- `function`: inserting a 25-line function between two functions, after a pause (then removed);
- `paste`: pasting a 300-line block of functions in the middle, after a pause (then removed).

Only the insertions are timed in `function` and `paste`. Then vetline opens 50 files and the
script reads the server's peak RSS from /proc.

    python benchmarks/lsp_latency.py [--lines 6400] [--repeat 1] [--ruff PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

FUNCTION = '''

def handler_{i}(request, path):
    """Serve item {i}."""
    data = request.args.get("item_{i}")
    value = yaml.safe_load(data)
    total = {i} + len(value or [])
    name = os.path.join(path, "item_{i}.txt")
    if total > 10:
        digest = hashlib.sha256(name.encode()).hexdigest()
        return {{"total": total, "digest": digest}}
    return {{"total": total, "name": name}}
'''


def generate(lines: int) -> str:
    """A realistic module of about `lines` lines with a few findings for both tools."""
    parts = [
        "import hashlib\nimport os\nimport subprocess\n\nimport yaml\n\n",
        "def run(cmd):\n    return subprocess.call(cmd, shell=True)\n\n",
        "def load(blob):\n    return yaml.load(blob)\n",
    ]
    i = 0
    while sum(p.count("\n") for p in parts) < lines:
        parts.append(FUNCTION.format(i=i))
        i += 1
    return "".join(parts)


Edit = tuple[dict[str, Any], str]
PAUSE = 0.3  # seconds of "user pause" before each edit of the paused shapes


def span(start_line: int, start: int, end_line: int, end: int) -> dict[str, Any]:
    return {"start": {"line": start_line, "character": start}, "end": {"line": end_line, "character": end}}


def _line_starting(lines: list[str], prefix: str, near: int) -> int:
    line = near
    while not lines[line].startswith(prefix):
        line += 1
    return line


def shapes(text: str) -> dict[str, tuple[list[tuple[Edit, bool]], float]]:
    """Each shape: its edits (each with "time this one") and the pause before each edit."""
    lines = text.split("\n")
    body = _line_starting(lines, "    value = ", len(lines) // 2)
    typed = [((span(body, 4 + i, body, 4 + i), "z"), True) for i in range(20)]
    deleted = [((span(body, 4 + i, body, 5 + i), ""), True) for i in reversed(range(20))]
    last = len(lines) - 1
    module = [((span(last + i, 0, last + i, 0), f"SETTING_{i} = {i}\n"), True) for i in range(20)]
    gap = _line_starting(lines, "def handler_", len(lines) // 3)
    function = "".join(FUNCTION.format(i=9000 + n) for n in range(2))[1:]  # 24 lines
    function = function + "# end of the inserted function\n"
    inserts = [((span(gap, 0, gap, 0), function), True), ((span(gap, 0, gap + function.count("\n"), 0), ""), False)]
    block = "".join(FUNCTION.format(i=7000 + n) for n in range(25))  # 300 lines
    pastes = [((span(gap, 0, gap, 0), block), True), ((span(gap, 0, gap + block.count("\n"), 0), ""), False)]
    return {
        "typing": (typed + deleted, 0.0),
        "module": (module, PAUSE),
        "function": (inserts * 6, PAUSE),
        "paste": (pastes * 4, PAUSE),
    }


class Client:
    """A minimal JSON-RPC client over a subprocess's stdio, the same for both servers.

    (pygls's client cannot deserialize every server's initialize result, so the benchmark speaks
    the wire protocol itself: fewer moving parts, identical overhead for both servers.)
    """

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.arrivals: list[tuple[float, str, int | None]] = []
        self.event = asyncio.Event()
        self.pending: dict[int, asyncio.Future[Any]] = {}
        self.ids = itertools.count(1)
        self.reader = asyncio.ensure_future(self._read())

    def notify(self, method: str, params: Any) -> None:
        self._write({"jsonrpc": "2.0", "method": method, "params": params})

    async def request(self, method: str, params: Any) -> Any:
        number = next(self.ids)
        self.pending[number] = asyncio.get_running_loop().create_future()
        self._write({"jsonrpc": "2.0", "id": number, "method": method, "params": params})
        return await asyncio.wait_for(self.pending[number], 120)

    def _write(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))

    async def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            header = await stream.readuntil(b"\r\n\r\n")
            length = int(
                next(
                    line.split(b":")[1] for line in header.split(b"\r\n") if line.lower().startswith(b"content-length")
                )
            )
            self._dispatch(json.loads(await stream.readexactly(length)), time.perf_counter())

    def _dispatch(self, message: dict[str, Any], now: float) -> None:
        if "id" in message and "method" not in message:
            self.pending.pop(message["id"]).set_result(message.get("result"))
        elif "id" in message:  # a request from the server: configuration, registrations, progress
            items = message.get("params", {}).get("items", [])
            result = [None for _ in items] if message["method"] == "workspace/configuration" else None
            self._write({"jsonrpc": "2.0", "id": message["id"], "result": result})
        elif message["method"] == "textDocument/publishDiagnostics":
            params = message["params"]
            self.arrivals.append((now, params["uri"], params.get("version")))
            self.event.set()

    async def wait_for(self, uri: str, after: float, version: int | None) -> float:
        """The arrival time of the first publish for `uri` after `after` (matching `version` if sent)."""
        while True:
            self.event.clear()
            for arrived, published_uri, published_version in self.arrivals:
                if arrived >= after and published_uri == uri and published_version in (version, None):
                    return arrived
            await asyncio.wait_for(self.event.wait(), 60)

    def open(self, path: Path) -> None:
        item = {"uri": path.as_uri(), "languageId": "python", "version": 1, "text": path.read_text()}
        self.notify("textDocument/didOpen", {"textDocument": item})

    def change(self, uri: str, version: int, rng: dict[str, Any], text: str) -> None:
        self.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"range": rng, "text": text}]},
        )


CAPABILITIES = {
    "general": {"positionEncodings": ["utf-16"]},
    "textDocument": {"synchronization": {"didSave": True}, "publishDiagnostics": {"versionSupport": True}},
    "workspace": {"configuration": True},
}


async def start(command: list[str], folder: Path) -> Client:
    process = await asyncio.create_subprocess_exec(
        *command,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        limit=2**24,
    )
    client = Client(process)
    await client.request(
        "initialize",
        {
            "processId": None,
            "capabilities": CAPABILITIES,
            "rootUri": folder.as_uri(),
            "workspaceFolders": [{"uri": folder.as_uri(), "name": "bench"}],
        },
    )
    client.notify("initialized", {})
    return client


async def stop(client: Client) -> None:
    await client.request("shutdown", None)
    client.notify("exit", None)
    await asyncio.wait_for(client.process.wait(), 30)
    client.reader.cancel()


async def latencies(
    command: list[str], folder: Path, path: Path, edits: list[tuple[Edit, bool]], pause: float
) -> list[float]:
    """Milliseconds from each timed didChange to the diagnostics of that version."""
    client = await start(command, folder)
    uri = path.as_uri()
    opened = time.perf_counter()
    client.open(path)
    await client.wait_for(uri, opened, 1)
    await asyncio.sleep(1.5)  # let a server's follow-up work (vetline's confirming run) finish
    results = []
    for version, ((rng, text), timed) in enumerate(edits, start=2):
        await asyncio.sleep(pause)
        sent = time.perf_counter()
        client.change(uri, version, rng, text)
        arrived = await client.wait_for(uri, sent, version)
        if timed:
            results.append((arrived - sent) * 1000)
    await stop(client)
    return results


async def peak_rss(command: list[str], folder: Path, files: list[Path]) -> float:
    """vetline's peak resident memory (MB) after opening and analysing `files`."""
    client = await start(command, folder)
    for path in files:
        opened = time.perf_counter()
        client.open(path)
        await client.wait_for(path.as_uri(), opened, 1)
    status = Path(f"/proc/{client.process.pid}/status").read_text()
    peak_kb = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))
    await stop(client)
    return peak_kb / 1024


def summary(name: str, values: list[float]) -> float:
    median = statistics.median(values)
    print(f"  {name:<8} median {median:7.1f} ms   max {max(values):7.1f} ms   (n={len(values)})")
    return median


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=6400)
    parser.add_argument("--repeat", type=int, default=1, help="run each shape this many times")
    parser.add_argument("--ruff", default=shutil.which("ruff") or str(Path(sys.executable).with_name("ruff")))
    parser.add_argument("--no-rss", action="store_true", help="skip the 50-open-files memory measure")
    args = parser.parse_args()
    vetline = [sys.executable, "-m", "vetline", "serve", "--log-level", "error"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "pyproject.toml").write_text('[tool.ruff.lint]\nselect = ["S"]\n')
        big = folder / "big_module.py"
        big.write_text(generate(args.lines))
        text = big.read_text()
        print(f"file: {text.count(chr(10))} lines, {big.stat().st_size:,} bytes; load average {os.getloadavg()[0]:.2f}")
        for shape, (edits, pause) in shapes(text).items():
            print(f"{shape} ({'back to back' if not pause else f'{pause * 1000:.0f} ms pause before each edit'}):")
            ruff = summary(
                "ruff",
                [
                    v
                    for _ in range(args.repeat)
                    for v in await latencies([args.ruff, "server"], folder, big, edits, pause)
                ],
            )
            ours = summary(
                "vetline", [v for _ in range(args.repeat) for v in await latencies(vetline, folder, big, edits, pause)]
            )
            print(f"  ratio    vetline/ruff median = {ours / ruff:.2f}x (target <= 1.5x)")
        print(f"load average after: {os.getloadavg()[0]:.2f}")
        if args.no_rss:
            return 0
        files = []
        for n in range(50):
            path = folder / f"open_{n:02}.py"
            path.write_text(generate(1000).replace("handler_", f"handler{n}_"))
            files.append(path)
        print(
            f"vetline peak RSS with 50 open files: {await peak_rss(vetline, folder, [big, *files[:49]]):.0f} MB (target <= 200 MB)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
