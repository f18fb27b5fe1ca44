# Labelled recall cases written for vetline in the style of deliberately vulnerable Flask apps
# (source studied: "vulnerable-flask-app" / "Vulnerable-Flask-App" training repositories on
# GitHub: secrets in `app.config`, Fernet/HMAC keys in code, itsdangerous tokens, predictable
# reset tokens, stack traces sent to the client, meta-refresh redirects, template injection).
# `# vuln: <rule>` marks a documented vulnerability on the next line. Not copied code.
import hmac
import random
import traceback

from cryptography.fernet import Fernet
from flask import Flask, make_response, redirect, render_template_string, request, session
from itsdangerous import URLSafeTimedSerializer

app = Flask(__name__)
# vuln: hardcoded-signing-key
app.config["SECRET_KEY_HMAC"] = "secret"
# vuln: hardcoded-signing-key
app.secret_key = "super secret key"
# vuln: cookie-without-secure-flags
app.config["SESSION_COOKIE_HTTPONLY"] = False
# vuln: hardcoded-signing-key
FERNET = Fernet(b"ZmDfcTF7_60GrrY167zsiPd67pEvs0aGOv2oasOM1Pg=")
# vuln: hardcoded-signing-key
SERIALIZER = URLSafeTimedSerializer("reset-password-salt-key")


def sign(message: bytes) -> str:
    # vuln: hardcoded-signing-key
    return hmac.new(b"hmac-signing-key-2024", message, "sha256").hexdigest()


@app.route("/hello")
def hello():
    name = request.args.get("name", "")
    # vuln: xss-unescaped-html
    return render_template_string("<h1>Hello " + name + "</h1>")


@app.route("/reset", methods=["POST"])
def reset():
    # vuln: insecure-random-for-secrets
    token = "".join(random.choice("0123456789abcdef") for _ in range(32))
    response = make_response("check your mail")
    response.set_cookie("reset_token", token, secure=True, httponly=True)
    return response


@app.route("/remember", methods=["POST"])
def remember():
    # vuln: trust-boundary-violation
    session["user"] = request.form["user"]
    return redirect("/")


@app.route("/report")
def report():
    try:
        return str(1 / int(request.args["n"]))
    except Exception:
        # vuln: exception-details-in-response
        return traceback.format_exc(), 500


@app.route("/out")
def out():
    target = request.args.get("url", "/")
    # vuln: open-redirect
    return f'<html><head><meta http-equiv="refresh" content="0;url={target}"></head></html>'


@app.route("/whoami")
def whoami():
    import base64
    import json

    # vuln: unsigned-cookie-identity
    user = json.loads(base64.b64decode(request.cookies["user"]))
    return {"admin": user.get("admin", False)}


@app.route("/run", methods=["POST"])
def run():
    import subprocess

    command = request.form["cmd"]
    argv = ["sh", "-c"]
    argv.append(command)
    # vuln: os-command-injection
    return subprocess.check_output(argv)
