# Labelled recall cases written for vetline in the style of DVPWA, the Damn Vulnerable Python
# Web Application (aiohttp + aiohttp_jinja2 + aiohttp_session on Redis; source studied:
# anxolerd/dvpwa `sqli/app.py`, `sqli/middlewares.py`, `sqli/views.py`, `sqli/dao/*.py`:
# SQL built with `%`, autoescape turned off, an HttpOnly-less session cookie, MD5 passwords).
# `# vuln: <rule>` marks a documented vulnerability on the next line. Not copied code.
import base64
import hashlib
import json
import pickle

import aiohttp_jinja2
import jinja2
import yaml
from aiohttp import web
from aiohttp_session import get_session, session_middleware
from aiohttp_session.redis_storage import RedisStorage


async def student(request: web.Request):
    student_id = request.match_info["id"]
    async with request.app["db"].acquire() as conn:
        async with conn.cursor() as cur:
            # vuln: sql-query-built-from-strings
            await cur.execute("SELECT id, name FROM students WHERE id = %s" % student_id)
            return web.json_response(await cur.fetchone())


async def create_student(request: web.Request):
    data = await request.post()
    name = data["name"]
    query = "INSERT INTO students (name) VALUES ('%(name)s')" % {"name": name}
    async with request.app["db"].acquire() as conn:
        async with conn.cursor() as cur:
            # vuln: sql-query-built-from-strings
            await cur.execute(query)
    raise web.HTTPFound("/students")


async def search(request: web.Request):
    term = request.query.get("q", "")
    # vuln: xss-unescaped-html
    return web.Response(text=f"<h2>Results for {term}</h2>", content_type="text/html")


async def import_settings(request: web.Request):
    document = await request.json()
    # vuln: yaml-unsafe-load
    settings = yaml.load(document["yaml"], Loader=yaml.Loader)
    return web.json_response(settings)


async def login_redirect(request: web.Request):
    session = await get_session(request)
    # vuln: trust-boundary-violation
    session["username"] = request.query["user"]
    # vuln: open-redirect
    raise web.HTTPFound(request.query.get("next", "/"))


async def profile(request: web.Request):
    raw = request.cookies.get("profile", "")
    # vuln: unsigned-cookie-identity
    user = json.loads(base64.b64decode(raw))
    return web.json_response({"role": user["role"]})


async def restore(request: web.Request):
    blob = request.cookies["state"]
    # vuln: pickle-deserialization
    return web.json_response(pickle.loads(base64.b64decode(blob)))


def hash_password(password: str) -> str:
    # vuln: weak-hash-md5-sha1
    return hashlib.md5(password.encode()).hexdigest()


@web.middleware
async def sessions(request, handler):
    # vuln: cookie-without-secure-flags
    storage = RedisStorage(request.app["redis"], httponly=False)
    return await session_middleware(storage)(request, handler)


def init_app() -> web.Application:
    app = web.Application(middlewares=[sessions])
    # vuln: jinja2-autoescape-disabled
    aiohttp_jinja2.setup(app, loader=jinja2.PackageLoader("sqli", "templates"), autoescape=False)
    app.router.add_get("/students/{id}", student)
    app.router.add_post("/students", create_student)
    app.router.add_get("/search", search)
    return app
