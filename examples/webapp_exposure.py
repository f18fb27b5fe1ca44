"""Notes API - a small Flask service (as an AI assistant might write it).

Run with: python webapp_exposure.py
"""
import logging
import traceback

from flask import Flask, jsonify, make_response, render_template_string, request
from jinja2 import Environment, FileSystemLoader

app = Flask(__name__)
app.config["SECRET_KEY"] = "change-me"
app.config["DEBUG"] = True
logger = logging.getLogger("notes")

emails = Environment(loader=FileSystemLoader("templates/email"))
NOTES: dict[int, dict] = {}


@app.route("/login", methods=["POST"])
def login():
    data = request.get_json()
    logger.info(f"Login attempt for {data['username']} with password {data['password']}")
    token = issue_token(data["username"], data["password"])
    resp = make_response(jsonify({"status": "ok"}))
    resp.set_cookie("session_token", token)
    return resp


@app.route("/notes", methods=["POST"])
def create_note():
    note = request.get_json()
    note_id = len(NOTES) + 1
    NOTES[note_id] = note
    return jsonify({"id": note_id}), 201


@app.route("/notes/<int:note_id>", methods=["DELETE"])
def delete_note(note_id):
    try:
        del NOTES[note_id]
    except Exception as e:
        return jsonify({"error": str(e), "trace": traceback.format_exc()}), 500
    return "", 204


@app.route("/search")
def search():
    query = request.args.get("q", "")
    matches = [n for n in NOTES.values() if query in n.get("text", "")]
    return f"<h2>Results for {query}</h2><p>{len(matches)} notes found</p>"


@app.route("/preview")
def preview():
    return render_template_string("<div class='note'>" + request.args["text"] + "</div>")


def issue_token(username: str, password: str) -> str:
    return f"{username}:{hash(password)}"


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=5000, debug=True)
