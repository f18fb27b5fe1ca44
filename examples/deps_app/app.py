"""Invoice exporter: the kind of service an assistant writes in one go."""

import json
import os

import requests
import yaml
from Crypto.Cipher import AES
from flask import Flask, jsonify
from flask_invoice_exporter import render_pdf

from .storage import save_invoice

app = Flask(__name__)


@app.route("/invoices/<invoice_id>")
def export(invoice_id: str):
    config = yaml.safe_load(open(os.path.join("config", "export.yaml")))
    invoice = requests.get(f"{config['billing_url']}/invoices/{invoice_id}", timeout=10).json()
    key = os.environ["INVOICE_KEY"].encode()
    pdf = AES.new(key, AES.MODE_GCM).encrypt(render_pdf(invoice))
    save_invoice(invoice_id, pdf)
    return jsonify(json.loads(json.dumps({"id": invoice_id, "bytes": len(pdf)})))
