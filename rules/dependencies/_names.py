"""Import names versus distribution names: PEP 503 normalisation and the import -> project table.

`import yaml` is installed with `pip install PyYAML`: the names differ for hundreds of popular
projects, and the project is usually not installed where vetline runs. So the table below maps
well-known import names to their distributions without the package, and the metadata of the
running interpreter (`importlib.metadata.packages_distributions()`) adds whatever is installed.
"""

from __future__ import annotations

import functools
import importlib.metadata
import re

_SEPARATORS = re.compile(r"[-_.]+")

# Import name -> distribution, for projects whose import name is not their project name.
IMPORT_TO_DIST: dict[str, str] = {
    "yaml": "PyYAML",
    "cv2": "opencv-python",
    "sklearn": "scikit-learn",
    "skimage": "scikit-image",
    "PIL": "Pillow",
    "bs4": "beautifulsoup4",
    "jwt": "PyJWT",
    "dateutil": "python-dateutil",
    "dotenv": "python-dotenv",
    "attr": "attrs",
    "Crypto": "pycryptodome",
    "Cryptodome": "pycryptodomex",
    "OpenSSL": "pyOpenSSL",
    "serial": "pyserial",
    "usb": "pyusb",
    "magic": "python-magic",
    "docx": "python-docx",
    "pptx": "python-pptx",
    "jose": "python-jose",
    "multipart": "python-multipart",
    "slugify": "python-slugify",
    "telegram": "python-telegram-bot",
    "ldap": "python-ldap",
    "socketio": "python-socketio",
    "engineio": "python-engineio",
    "gnupg": "python-gnupg",
    "Levenshtein": "python-Levenshtein",
    "json_logging": "json-logging",
    "google.protobuf": "protobuf",
    "googleapiclient": "google-api-python-client",
    "google.auth": "google-auth",
    "google.cloud.storage": "google-cloud-storage",
    "google.cloud.bigquery": "google-cloud-bigquery",
    "google.generativeai": "google-generativeai",
    "grpc": "grpcio",
    "MySQLdb": "mysqlclient",
    "psycopg2": "psycopg2-binary",
    "pymysql": "PyMySQL",
    "kafka": "kafka-python",
    "zmq": "pyzmq",
    "win32api": "pywin32",
    "win32con": "pywin32",
    "pythoncom": "pywin32",
    "wx": "wxPython",
    "gi": "PyGObject",
    "cairo": "pycairo",
    "fitz": "PyMuPDF",
    "pypdf": "pypdf",
    "PyPDF2": "PyPDF2",
    "sentence_transformers": "sentence-transformers",
    "faiss": "faiss-cpu",
    "tensorflow": "tensorflow",
    "torch": "torch",
    "mpl_toolkits": "matplotlib",
    "pkg_resources": "setuptools",
    "dns": "dnspython",
    "nacl": "PyNaCl",
    "git": "GitPython",
    "github": "PyGithub",
    "gitlab": "python-gitlab",
    "jenkins": "python-jenkins",
    "ruamel": "ruamel.yaml",
    "markdown": "Markdown",
    "docutils": "docutils",
    "lxml": "lxml",
    "Bio": "biopython",
    "websocket": "websocket-client",
    "socks": "PySocks",
    "memcache": "python-memcached",
    "consul": "python-consul",
    "tz": "pytz",
    "snappy": "python-snappy",
    "stripe": "stripe",
    "flask_cors": "Flask-Cors",
    "flask_sqlalchemy": "Flask-SQLAlchemy",
    "flask_login": "Flask-Login",
    "flask_wtf": "Flask-WTF",
    "flask_migrate": "Flask-Migrate",
    "flask_jwt_extended": "Flask-JWT-Extended",
    "flask_restful": "Flask-RESTful",
    "rest_framework": "djangorestframework",
    "guardian": "django-guardian",
    "corsheaders": "django-cors-headers",
    "environ": "django-environ",
    "debug_toolbar": "django-debug-toolbar",
    "pydantic_settings": "pydantic-settings",
    "jinja2": "Jinja2",
    "markupsafe": "MarkupSafe",
    "OpenGL": "PyOpenGL",
    "pygame": "pygame",
    "win32com": "pywin32",
    "speech_recognition": "SpeechRecognition",
    "sqlalchemy": "SQLAlchemy",
    "ujson": "ujson",
    "orjson": "orjson",
    "Cython": "Cython",
    "discord": "discord.py",
    "llama_index": "llama-index",
    "langchain_openai": "langchain-openai",
    "langchain_community": "langchain-community",
    "langchain_core": "langchain-core",
    "huggingface_hub": "huggingface-hub",
    "typing_extensions": "typing-extensions",
    "email_validator": "email-validator",
    "jsonschema": "jsonschema",
    "editdistance": "editdistance",
    "imblearn": "imbalanced-learn",
    "xgboost": "xgboost",
    "lightgbm": "lightgbm",
    "umap": "umap-learn",
    "hdbscan": "hdbscan",
    "botocore": "botocore",
    "boto3": "boto3",
    "azure.storage.blob": "azure-storage-blob",
    "azure.identity": "azure-identity",
    "paho": "paho-mqtt",
    "Xlib": "python-xlib",
    "ffmpeg": "ffmpeg-python",
    "whisper": "openai-whisper",
    "tiktoken": "tiktoken",
}

# Other distributions that provide the same import name (forks, headless or binary builds).
ALTERNATIVES: dict[str, tuple[str, ...]] = {
    "cv2": ("opencv-python-headless", "opencv-contrib-python", "opencv-contrib-python-headless"),
    "psycopg2": ("psycopg2",),
    "PIL": ("pillow-simd",),
    "Crypto": ("pycrypto",),
    "jwt": ("python-jwt",),
    "faiss": ("faiss-gpu",),
    "tensorflow": ("tensorflow-cpu", "tensorflow-gpu", "tensorflow-macos"),
    "magic": ("python-magic-bin",),
    "sklearn": ("sklearn",),
    "websocket": ("websocket_client",),
    "zmq": ("zmq",),
    "kafka": ("kafka-python-ng",),
}

# Top-level packages shared by many distributions: the dotted name decides the project.
NAMESPACE_ROOTS = frozenset({"google", "azure", "zope", "sphinxcontrib", "jaraco", "backports", "ruamel", "paho"})


def normalize(name: str) -> str:
    """PEP 503: lower case, runs of `-`, `_` and `.` become one `-`."""
    return _SEPARATORS.sub("-", name).lower()


@functools.cache
def _table() -> dict[str, str]:
    return {module: normalize(dist) for module, dist in IMPORT_TO_DIST.items()}


@functools.cache
def installed() -> dict[str, tuple[str, ...]]:
    """Import name -> normalised distributions installed in the running interpreter."""
    try:
        mapping = importlib.metadata.packages_distributions()
    except Exception:  # noqa: BLE001 - broken metadata of one package must not cost the whole check
        return {}
    return {module: tuple(sorted({normalize(d) for d in dists})) for module, dists in mapping.items()}


@functools.lru_cache(maxsize=4096)
def distributions(module: str) -> tuple[str, ...]:
    """Candidate normalised distributions providing dotted `module`, most specific first.

    `google.cloud.storage` -> `google-cloud-storage`; `yaml` -> `pyyaml`; an unknown `foo_bar`
    -> `foo-bar` (the import name itself is the usual project name).
    """
    parts = module.split(".")
    table = _table()
    found: list[str] = []
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in table:
            found.append(table[prefix])
            found.extend(normalize(d) for d in ALTERNATIVES.get(prefix, ()))
    found.extend(installed().get(parts[0], ()))
    if parts[0] in NAMESPACE_ROOTS and len(parts) > 1:
        found.extend(normalize("-".join(parts[:end])) for end in range(len(parts), 1, -1))
    found.append(normalize(parts[0]))
    return tuple(dict.fromkeys(found))


@functools.cache
def _spelling() -> dict[str, str]:
    return {normalize(dist): dist for dist in IMPORT_TO_DIST.values()}


def canonical(name: str) -> str:
    """How the project spells its own name (`pyyaml` -> `PyYAML`), when the table knows it."""
    return _spelling().get(name, name)


def primary(module: str) -> str:
    """The distribution an import most likely comes from (first candidate)."""
    return distributions(module)[0]


@functools.lru_cache(maxsize=4096)
def is_mapped(module: str) -> bool:
    """True when the table or installed metadata (not a guess) names the module's project."""
    top = module.split(".")[0]
    return any(p in _table() for p in _prefixes(module)) or top in installed()


def _prefixes(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:end]) for end in range(len(parts), 0, -1)]
