# Labelled recall cases written for vetline in the style of OWASP BenchmarkPython test cases
# (source studied: OWASP BenchmarkPython `testcode/BenchmarkTest*.py`: Flask routes declared
# inside `init(app)`, a `RESPONSE` accumulator, cookies decoded with `unquote_plus`,
# `configparser` sections, constant conditions, early-return guards, `helpers.utils`).
# `# vuln: <rule>` marks a documented vulnerability on the next line, `# safe: <rule>` a case
# the benchmark scores as not vulnerable. None of this code is copied from the benchmark.
import base64
import codecs
import configparser
import io
import json
import os
import pathlib
import pickle
import random
import sqlite3
import subprocess
import urllib.parse
import urllib.request

import elementpath
from flask import make_response, request, session
from helpers.utils import TESTFILES_DIR, escape_for_html
from lxml import etree


def init(app):
    @app.route("/benchmark/pathtraver-00/Case001", methods=["POST"])
    def case001_post():
        RESPONSE = ""
        param = urllib.parse.unquote_plus(request.cookies.get("Case001", "noCookieValueSupplied"))
        text = "help"
        text += param
        text += "snapes on a plane"
        bar = text[4:-17]
        file_name = f"{TESTFILES_DIR}/{bar}"
        # vuln: path-traversal
        with open(file_name, "wb") as fd:
            RESPONSE += f"Now ready to write to file: {escape_for_html(file_name)}"
        return RESPONSE

    @app.route("/benchmark/pathtraver-00/Case002", methods=["POST"])
    def case002_post():
        param = request.form.get("Case002", "")
        conf = configparser.ConfigParser()
        conf.add_section("section")
        conf.set("section", "keyA", "a-Value")
        conf.set("section", "keyB", param)
        bar = conf.get("section", "keyB")
        # vuln: path-traversal
        fd = codecs.open(os.path.join(TESTFILES_DIR, bar), "r", "utf-8")
        return escape_for_html(fd.read())

    @app.route("/benchmark/pathtraver-00/Case003", methods=["POST"])
    def case003_post():
        param = request.form.get("Case003", "")
        conf = configparser.ConfigParser()
        conf.add_section("section")
        conf.set("section", "keyA", "a-Value")
        conf.set("section", "keyB", param)
        bar = conf.get("section", "keyA")
        # safe: path-traversal
        fd = codecs.open(os.path.join(TESTFILES_DIR, bar), "r", "utf-8")
        return escape_for_html(fd.read())

    @app.route("/benchmark/pathtraver-00/Case004", methods=["POST"])
    def case004_post():
        param = request.headers.get("Case004", "")
        bar = pathlib.Path(TESTFILES_DIR) / param
        # vuln: path-traversal
        return escape_for_html(bar.read_text())

    @app.route("/benchmark/pathtraver-00/Case005", methods=["POST"])
    def case005_post():
        param = request.args.get("Case005", "")
        if "../" in param or param.startswith("/"):
            return "Invalid file name"
        # safe: path-traversal
        with open(os.path.join(TESTFILES_DIR, param)) as fd:
            return escape_for_html(fd.read())

    @app.route("/benchmark/pathtraver-00/Case006", methods=["POST"])
    def case006_post():
        param = request.form.get("Case006", "")
        target = pathlib.Path(TESTFILES_DIR, param)
        # vuln: path-traversal
        target.unlink()
        return "deleted"

    @app.route("/benchmark/cmdi-00/Case007", methods=["POST"])
    def case007_post():
        param = request.headers.get("Case007", "")
        num = 106
        bar = "This should never happen" if 7 * 18 + num > 200 else param
        # safe: os-command-injection
        subprocess.run(f"echo {bar}", shell=True)
        return "done"

    @app.route("/benchmark/cmdi-00/Case008", methods=["POST"])
    def case008_post():
        param = request.headers.get("Case008", "")
        num = 86
        if 7 * 42 - num > 200:
            bar = param
        else:
            bar = "This_should_never_happen"
        args = []
        args.append("sh")
        args.append("-c")
        args.append(f"echo {bar}")
        # vuln: os-command-injection
        subprocess.run(args)
        return "done"

    @app.route("/benchmark/cmdi-00/Case009", methods=["POST"])
    def case009_post():
        param = request.form.get("Case009", "")
        num = 86
        if 7 * 42 - num > 200:
            bar = "This_should_always_happen"
        else:
            bar = param
        # safe: os-command-injection
        os.system(f"echo {bar}")
        return "done"

    @app.route("/benchmark/cmdi-00/Case010", methods=["POST"])
    def case010_post():
        values = []
        values.append("safe")
        values.append(request.form.get("Case010", ""))
        values.append("moresafe")
        values.pop(0)
        bar = values[0]
        # vuln: os-command-injection
        os.system("ls " + bar)
        return "done"

    @app.route("/benchmark/sqli-00/Case011", methods=["POST"])
    def case011_post():
        param = request.form.get("Case011", "")
        if "'" in param:
            return "Invalid input"
        connection = sqlite3.connect("benchmark.db")
        # safe: sql-query-built-from-strings
        connection.execute(f"SELECT * FROM users WHERE name = '{param}'")
        return "done"

    @app.route("/benchmark/sqli-00/Case012", methods=["POST"])
    def case012_post():
        param = ""
        for name in request.form.keys():
            if request.form.get(name) == "Case012":
                param = name
                break
        connection = sqlite3.connect("benchmark.db")
        # vuln: sql-query-built-from-strings
        connection.execute("SELECT * FROM users WHERE name = '" + param + "'")
        return "done"

    @app.route("/benchmark/sqli-00/Case013", methods=["POST"])
    def case013_post():
        param = json.loads(request.get_data())["Case013"]
        connection = sqlite3.connect("benchmark.db")
        match 3:
            case 3:
                bar = param
            case _:
                bar = "safe"
        # vuln: sql-query-built-from-strings
        connection.execute(f"SELECT * FROM users WHERE id = {bar}")
        return "done"

    @app.route("/benchmark/sqli-00/Case014", methods=["POST"])
    def case014_post():
        param = request.form.get("Case014", "")
        match 2:
            case 1:
                bar = param
            case _:
                bar = "safe"
        connection = sqlite3.connect("benchmark.db")
        # safe: sql-query-built-from-strings
        connection.execute(f"SELECT * FROM users WHERE id = {bar}")
        return "done"

    @app.route("/benchmark/xss-00/Case015", methods=["POST"])
    def case015_post():
        RESPONSE = ""
        param = request.args.get("Case015", "")
        bar = " ".join(["Hello", param])
        RESPONSE += f"<p>{bar}</p>"
        # vuln: xss-unescaped-html
        return RESPONSE

    @app.route("/benchmark/xss-00/Case016", methods=["POST"])
    def case016_post():
        param = request.args.get("Case016", "")
        buffer = io.StringIO()
        buffer.write("<div>")
        buffer.write(param)
        buffer.write("</div>")
        # vuln: xss-unescaped-html
        return buffer.getvalue()

    @app.route("/benchmark/xss-00/Case017", methods=["POST"])
    def case017_post():
        RESPONSE = ""
        param = request.args.get("Case017", "")
        RESPONSE += f"<p>{escape_for_html(param)}</p>"
        # safe: xss-unescaped-html
        return RESPONSE

    @app.route("/benchmark/xpathi-00/Case018", methods=["POST"])
    def case018_post():
        param = urllib.parse.unquote(request.cookies.get("Case018", ""))
        root = etree.parse(os.path.join(TESTFILES_DIR, "employees.xml"))
        query = f"/Employees/Employee[@emplid='{param}']"
        # vuln: xpath-query-injection
        nodes = elementpath.select(root, query)
        return escape_for_html(str(nodes))

    @app.route("/benchmark/deserial-00/Case019", methods=["POST"])
    def case019_post():
        param = request.cookies.get("Case019", "")
        # vuln: pickle-deserialization
        obj = pickle.loads(base64.b64decode(param))
        return escape_for_html(str(obj))

    @app.route("/benchmark/ssrf-00/Case020", methods=["POST"])
    def case020_post():
        param = request.form.get("Case020", "")
        # vuln: ssrf-tainted-url
        with urllib.request.urlopen(param) as answer:
            return escape_for_html(answer.read().decode())

    @app.route("/benchmark/redirect-00/Case021", methods=["POST"])
    def case021_post():
        param = request.args.get("Case021", "/")
        response = make_response("", 302)
        # vuln: open-redirect
        response.headers["Location"] = param
        return response

    @app.route("/benchmark/redirect-00/Case022", methods=["POST"])
    def case022_post():
        param = request.args.get("Case022", "/")
        # vuln: open-redirect
        return f'<meta http-equiv="refresh" content="0; url={param}">'

    @app.route("/benchmark/trustbound-00/Case023", methods=["POST"])
    def case023_post():
        param = request.form.get("Case023", "")
        # vuln: trust-boundary-violation
        session["userid"] = param
        return "stored"

    @app.route("/benchmark/trustbound-00/Case024", methods=["POST"])
    def case024_post():
        param = request.form.get("Case024", "")
        num = 86
        bar = "safe" if 7 * 42 - num > 200 else param
        # safe: trust-boundary-violation
        session["userid"] = bar
        return "stored"

    @app.route("/benchmark/weakrand-00/Case025", methods=["POST"])
    def case025_post():
        # vuln: insecure-random-for-secrets
        value = str(random.random())[2:]
        cookie = "rememberMe025"
        session[cookie] = value
        return "remembered"

    @app.route("/benchmark/weakrand-00/Case026", methods=["POST"])
    def case026_post():
        # vuln: insecure-random-for-secrets
        number = random.getrandbits(64)
        response = make_response("remembered")
        response.set_cookie("rememberMe026", str(number), secure=True, httponly=True)
        return response

    @app.route("/benchmark/weakrand-00/Case027", methods=["POST"])
    def case027_post():
        # safe: insecure-random-for-secrets
        value = str(random.SystemRandom().getrandbits(128))
        session["rememberMe027"] = value
        return "remembered"

    @app.route("/benchmark/codeinj-00/Case028", methods=["POST"])
    def case028_post():
        conf = {"keyA": "a-Value", "keyB": request.form.get("Case028", "")}
        bar = conf["keyB"]
        # vuln: eval-of-dynamic-code
        eval(bar)
        return "evaluated"

    @app.route("/benchmark/codeinj-00/Case029", methods=["POST"])
    def case029_post():
        conf = {"keyA": "1 + 1", "keyB": request.form.get("Case029", "")}
        bar = conf["keyA"]
        # safe: eval-of-dynamic-code
        eval(bar)
        return "evaluated"

    @app.route("/benchmark/cmdi-00/Case030", methods=["POST"])
    def case030_post():
        param = base64.b64decode(request.headers.get("Case030", "")).decode()
        # vuln: os-command-injection
        subprocess.Popen(["sh", "-c", "echo " + param])
        return "done"
