# Labelled recall cases written for vetline: a stdlib `http.server` application in the style of
# deliberately vulnerable training servers (source studied: the many "vulnerable http.server"
# teaching apps and OWASP BenchmarkPython's request helpers: `self.path` parsed with
# `urlparse`/`parse_qs`, headers, `self.rfile`, HTML written to `self.wfile`).
# `# vuln: <rule>` marks a documented vulnerability on the next line. Not copied code.
import json
import os
import sqlite3
import subprocess
import traceback
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

DB = sqlite3.connect("users.db")
STATIC = "/srv/static"


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        query = parse_qs(urlparse(self.path).query)
        route = urlparse(self.path).path
        try:
            if route == "/hello":
                name = query.get("name", [""])[0]
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                # vuln: xss-unescaped-html
                self.wfile.write(f"<h1>Hello {name}</h1>".encode())
            elif route == "/ping":
                host = query["host"][0]
                # vuln: os-command-injection
                output = subprocess.check_output("ping -c 1 " + host, shell=True)
                self.wfile.write(output)
            elif route == "/user":
                uid = query.get("id", ["0"])[0]
                # vuln: sql-query-built-from-strings
                rows = DB.execute("SELECT name FROM users WHERE id = " + uid).fetchall()
                self.wfile.write(json.dumps(rows).encode())
            elif route == "/static":
                name = query.get("file", ["index.html"])[0]
                # vuln: path-traversal
                with open(os.path.join(STATIC, name), "rb") as fd:
                    self.wfile.write(fd.read())
            elif route == "/go":
                target = query.get("next", ["/"])[0]
                self.send_response(302)
                # vuln: open-redirect
                self.send_header("Location", target)
                self.end_headers()
            elif route == "/agent":
                agent = self.headers.get("User-Agent", "")
                # vuln: xss-unescaped-html
                self.wfile.write(("<p>Your browser: " + agent + "</p>").encode())
        except Exception:
            self.send_response(500)
            self.end_headers()
            # vuln: exception-details-in-response
            self.wfile.write(traceback.format_exc().encode())

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length))
        # vuln: eval-of-dynamic-code
        result = eval(body["expression"])
        self.send_response(200)
        self.end_headers()
        self.wfile.write(str(result).encode())


if __name__ == "__main__":
    HTTPServer(("127.0.0.1", 8000), Handler).serve_forever()
