"""Model-serving API, as an AI assistant might write it: upload a model, predict, import data.

Vulnerable on purpose (vetline's quick start scans it): every endpoint trusts what the client
sends. Expected findings: pickle-deserialization, torch-load-without-weights-only,
xml-external-entities, ldap-filter-injection, xpath-query-injection, open-redirect.
"""

import io
import pickle

import joblib
import ldap
import torch
from fastapi import FastAPI, Form, UploadFile
from fastapi.responses import RedirectResponse
from lxml import etree

app = FastAPI(title="Model server")
MODELS: dict[str, object] = {}
LDAP_URL = "ldap://directory.internal"
PEOPLE = "ou=people,dc=example,dc=com"


@app.post("/models/{name}")
async def upload_model(name: str, file: UploadFile):
    """Register a scikit-learn model uploaded as a pickle."""
    data = await file.read()
    MODELS[name] = pickle.loads(data)
    return {"status": "ok", "model": name}


@app.post("/models/{name}/checkpoint")
async def upload_checkpoint(name: str, file: UploadFile):
    """Load a PyTorch checkpoint for fine-tuning."""
    buffer = io.BytesIO(await file.read())
    MODELS[name] = torch.load(buffer, map_location="cpu")
    return {"status": "ok"}


@app.get("/models/{name}/predict")
def predict(name: str, features: str):
    model = MODELS.get(name) or joblib.load(f"/srv/models/{name}.joblib")
    return {"prediction": model.predict([[float(x) for x in features.split(",")]]).tolist()}


@app.post("/datasets/import")
async def import_dataset(file: UploadFile, label: str = Form(...)):
    """Import labelled samples from an XML export of the annotation tool."""
    parser = etree.XMLParser(resolve_entities=True, load_dtd=True)
    root = etree.fromstring(await file.read(), parser)
    samples = root.xpath(f"//sample[@label='{label}']")
    return {"imported": len(samples)}


@app.post("/login")
def login(username: str = Form(...), next: str = "/"):
    """Check the user exists in the directory, then go back to where they came from."""
    conn = ldap.initialize(LDAP_URL)
    found = conn.search_s(PEOPLE, ldap.SCOPE_SUBTREE, f"(uid={username})")
    if not found:
        return RedirectResponse("/login?error=1")
    return RedirectResponse(next)
