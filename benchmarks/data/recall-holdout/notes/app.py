# Hold-out recall cases written for vetline AFTER the recall work, and not tuned against: a
# notes service on Tornado, Starlette and aiohttp class-based views, in the style of the
# vulnerable training services in "Vulnerable-API" / "damn-vulnerable-graphql"-type labs.
# `# vuln: <rule>` marks the next line.
import base64
import json
import os
import sqlite3
import subprocess
import urllib.request

import aiohttp_jinja2
import tornado.web
from aiohttp import web
from lxml import etree
from starlette.applications import Starlette
from starlette.responses import HTMLResponse, RedirectResponse

DB = sqlite3.connect("notes.db")


class NoteHandler(tornado.web.RequestHandler):
    def get(self):
        note_id = self.get_argument("id")
        # vuln: sql-query-built-from-strings
        row = DB.execute("SELECT body FROM notes WHERE id = %s" % note_id).fetchone()
        self.write(row[0])

    def post(self):
        title = self.get_argument("title")
        # vuln: os-command-injection
        os.popen("notify-send '%s'" % title)


async def render_note(request):
    body = request.query_params["body"]
    # vuln: xss-unescaped-html
    return HTMLResponse(f"<article>{body}</article>")


async def jump(request):
    # vuln: open-redirect
    return RedirectResponse(request.query_params["to"])


async def fetch_feed(request):
    feed = request.query_params["feed"]
    # vuln: ssrf-tainted-url
    return HTMLResponse(urllib.request.urlopen(feed).read())


starlette_app = Starlette()


class NotesView(web.View):
    async def get(self):
        name = self.request.match_info["name"]
        # vuln: path-traversal
        with open(os.path.join("notes", name)) as handle:
            return web.Response(text=handle.read())

    async def post(self):
        form = await self.request.post()
        # vuln: os-command-injection
        subprocess.run(["bash", "-c", "backup " + form["target"]])
        raise web.HTTPFound("/notes")


async def whoami(request):
    blob = request.cookies.get("identity", "e30=")
    # vuln: unsigned-cookie-identity
    identity = json.loads(base64.b64decode(blob))
    return web.json_response(identity)


async def parse_upload(request):
    data = await request.read()
    # vuln: xml-external-entities
    parser = etree.XMLParser(resolve_entities=True, no_network=False)
    return web.json_response({"root": etree.fromstring(data, parser).tag})


def make_app():
    app = web.Application()
    # vuln: jinja2-autoescape-disabled
    aiohttp_jinja2.setup(app, loader=None, autoescape=False)
    return app
