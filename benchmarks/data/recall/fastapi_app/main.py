# Labelled recall cases written for vetline in the style of deliberately vulnerable FastAPI
# training APIs (source studied: the "damn vulnerable" FastAPI/Starlette labs on GitHub: route
# parameters in shell commands and SQL, `request.query_params`, `path_params`, HTML responses
# built with f-strings, JWTs signed with a literal key).
# `# vuln: <rule>` marks a documented vulnerability on the next line. Not copied code.
import os
import sqlite3
import subprocess

import jwt
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse

app = FastAPI()
DB = sqlite3.connect("api.db")


@app.get("/ping/{host}")
def ping(host: str):
    # vuln: os-command-injection
    return {"out": subprocess.getoutput(f"ping -c 1 {host}")}


@app.get("/items")
def items(name: str):
    # vuln: sql-query-built-from-strings
    return DB.execute(f"SELECT * FROM items WHERE name = '{name}'").fetchall()


@app.get("/items/{item_id}")
def item(item_id: int):
    # safe: sql-query-built-from-strings
    return DB.execute(f"SELECT * FROM items WHERE id = {item_id}").fetchall()


@app.get("/download")
async def download(request: Request):
    name = request.query_params["file"]
    # vuln: path-traversal
    with open(os.path.join("/srv/files", name), "rb") as fd:
        return fd.read()


@app.get("/report/{section}")
async def report(request: Request):
    section = request.path_params["section"]
    # vuln: os-command-injection
    os.system("generate-report " + section)
    return {"ok": True}


@app.get("/greet", response_class=HTMLResponse)
async def greet(request: Request):
    who = request.query_params.get("who", "")
    # vuln: xss-unescaped-html
    return HTMLResponse(f"<h1>Hello {who}</h1>")


@app.get("/next")
async def go(target: str):
    # vuln: open-redirect
    return RedirectResponse(url=target)


@app.post("/token")
def token(user: str):
    # vuln: hardcoded-signing-key
    return {"token": jwt.encode({"sub": user}, "my-jwt-signing-key", algorithm="HS256")}


@app.get("/prefs")
async def prefs(request: Request):
    theme = request.cookies.get("theme", "light")
    # vuln: os-command-injection
    os.system("set-theme " + theme)
    return {"theme": theme}
