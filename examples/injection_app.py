"""A small internal tools service, the way an AI assistant tends to write it.

Run `vetline scan examples/injection_app.py`: every endpoint below has an injection bug.
"""

import os
import sqlite3
import subprocess
import tarfile

import requests
from flask import Flask, jsonify, request, send_file

app = Flask(__name__)
DB_PATH = "tools.db"
REPORTS_DIR = "/srv/reports"


def get_db():
    return sqlite3.connect(DB_PATH)


def build_search_query(term):
    return "SELECT id, name, email FROM users WHERE name LIKE '%" + term + "%'"


@app.route("/users/search")
def search_users():
    term = request.args.get("q", "")
    cursor = get_db().cursor()
    cursor.execute(build_search_query(term))
    return jsonify(cursor.fetchall())


@app.route("/users/<user_id>")
def get_user(user_id):
    cursor = get_db().cursor()
    cursor.execute(f"SELECT * FROM users WHERE id = '{user_id}'")
    return jsonify(cursor.fetchone())


@app.route("/tools/ping", methods=["POST"])
def ping():
    host = request.json.get("host")
    output = subprocess.check_output(f"ping -c 1 {host}", shell=True)
    return jsonify({"output": output.decode()})


@app.route("/tools/calc")
def calc():
    expression = request.args["expr"]
    return jsonify({"result": eval(expression)})


@app.route("/reports/<name>")
def download_report(name):
    return send_file(os.path.join(REPORTS_DIR, name))


@app.route("/reports/import", methods=["POST"])
def import_reports():
    upload = request.files["archive"]
    path = os.path.join("/tmp", "upload.tar.gz")
    upload.save(path)
    with tarfile.open(path) as archive:
        archive.extractall(REPORTS_DIR)
    return jsonify({"status": "ok"})


@app.route("/webhook/test", methods=["POST"])
def test_webhook():
    url = request.form["url"]
    response = requests.post(url, json={"event": "test"}, timeout=5)
    return jsonify({"status": response.status_code})


if __name__ == "__main__":
    app.run()
