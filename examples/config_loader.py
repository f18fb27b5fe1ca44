"""Plugin configuration loader, as an assistant wrote it: "load the YAML config sent by the admin UI"."""

import yaml
from flask import Flask, request

app = Flask(__name__)


def load_defaults(path: str) -> dict:
    with open(path) as handle:
        return yaml.load(handle, Loader=yaml.FullLoader)


@app.post("/admin/plugins/config")
def upload_plugin_config():
    settings = yaml.load(request.data)
    return {"plugins": sorted(settings)}
