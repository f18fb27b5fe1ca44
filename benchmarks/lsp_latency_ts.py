"""Edit-to-diagnostics latency of `vetline serve` on a 5,000-line TypeScript file (a script, not a test).

A small JSON-RPC client over stdio opens a generated TypeScript module (Express handlers with
one planted finding), then sends single-character edits inside a function body, each after the
previous edit's diagnostics arrived and a pause, and prints the median and p95 latency.

    python benchmarks/lsp_latency_ts.py [--lines 5000] [--edits 40] [--pause 0.3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HANDLER = """
app.get("/items/{i}", async (req: Request, res: Response) => {{
  const id = Number(req.params.id);
  const rows = await db.query("SELECT * FROM items WHERE id = ? AND kind = {i}", [id]);
  const total = rows.length + {i};
  if (total > 10) {{
    return res.json({{ total, page: {i} }});
  }}
  res.json({{ rows, total }});
}});
"""
HEADER = 'import express, { Request, Response } from "express";\nimport { exec } from "node:child_process";\n'
HEADER += "const app = express();\nconst db: any = null;\n"
PLANTED = 'app.post("/run", (req: Request, res: Response) => { exec("ls " + req.body.dir); res.end(); });\n'


def generate(lines: int) -> str:
    parts, count, i = [HEADER, PLANTED], 0, 0
    while count < lines:
        block = HANDLER.format(i=i)
        parts.append(block)
        count += block.count("\n")
        i += 1
    return "".join(parts)


class Client:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process, self.next_id = process, 0
        self.published: dict[str, tuple[int | None, float]] = {}
        self.replies: dict[int, asyncio.Future[Any]] = {}
        self.reader = asyncio.ensure_future(self._read())

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    async def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.replies[self.next_id] = future
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return await future

    async def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            header = await stream.readuntil(b"\r\n\r\n")
            length = int(header.split(b"Content-Length:")[1].split(b"\r\n")[0])
            message = json.loads(await stream.readexactly(length))
            if message.get("method") == "textDocument/publishDiagnostics":
                params = message["params"]
                self.published[params["uri"]] = (params.get("version"), time.perf_counter())
            elif "id" in message and message["id"] in self.replies:
                self.replies.pop(message["id"]).set_result(message.get("result"))
            elif "id" in message:  # a request from the server (configuration, registration)
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})

    async def diagnostics_for(self, uri: str, version: int) -> float:
        while self.published.get(uri, (None, 0.0))[0] != version:
            await asyncio.sleep(0.001)
        return self.published[uri][1]


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--edits", type=int, default=40)
    parser.add_argument("--pause", type=float, default=0.3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="vetline-ts-latency-"))
    text = generate(args.lines)
    path = folder / "routes.ts"
    path.write_text(text)
    command = [sys.executable, "-m", "vetline", "serve"]
    process = await asyncio.create_subprocess_exec(
        *command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL
    )
    client = Client(process)
    capabilities = {"textDocument": {"publishDiagnostics": {"versionSupport": True}}}
    await client.request("initialize", {"processId": None, "rootUri": folder.as_uri(), "capabilities": capabilities})
    client.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    uri = path.as_uri()
    doc = {"uri": uri, "languageId": "typescript", "version": 1, "text": text}
    client.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": doc}})
    await client.diagnostics_for(uri, 1)
    line = text.splitlines().index("  const total = rows.length + 0;")
    timings = []
    for version in range(2, args.edits + 2):
        await asyncio.sleep(args.pause)
        position = {"line": line, "character": 2}
        change = {"range": {"start": position, "end": position}, "text": "x" if version % 2 else ""}
        if not version % 2:  # delete the character the previous edit typed
            change = {"range": {"start": position, "end": {"line": line, "character": 3}}, "text": ""}
        sent = time.perf_counter()
        client.send(
            {
                "jsonrpc": "2.0",
                "method": "textDocument/didChange",
                "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]},
            }
        )
        timings.append((await client.diagnostics_for(uri, version)) - sent)
    await client.request("shutdown", None)
    client.send({"jsonrpc": "2.0", "method": "exit"})
    await process.wait()
    client.reader.cancel()
    timings_ms = sorted(t * 1000 for t in timings)
    p95 = timings_ms[int(0.95 * (len(timings_ms) - 1))]
    print(f"{path.name}: {text.count(chr(10))} lines, {len(timings_ms)} edits inside a handler")
    print(f"edit -> diagnostics: median {statistics.median(timings_ms):.1f} ms, p95 {p95:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
