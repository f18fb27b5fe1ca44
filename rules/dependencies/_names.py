"""Import names versus distribution names: PEP 503 normalisation and the import -> project table.

`import yaml` is installed with `pip install PyYAML`: the names differ for hundreds of popular
projects, and the project is usually not installed where vetline runs. So the table below maps
well-known import names to their distributions without the package, and the metadata of the
running interpreter (`importlib.metadata.packages_distributions()`) adds whatever is installed.
"""

from __future__ import annotations

import functools
import importlib.metadata

from ..patterns import linear

_SEPARATORS = linear(r"[-_.]+")

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
    # Django and Flask ecosystems, databases, cloud SDKs (issue 9: legitimate names once called typosquats)
    "django_filters": "django-filter",
    "django_comments": "django-contrib-comments",
    "redminelib": "python-redmine",
    "captcha": "captcha",
    "mysql": "mysql-connector-python",
    "mysql.connector": "mysql-connector-python",
    "mysqlx": "mysql-connector-python",
    "rest_framework_simplejwt": "djangorestframework-simplejwt",
    "rest_framework_jwt": "djangorestframework-jwt",
    "rest_framework_nested": "drf-nested-routers",
    "crispy_forms": "django-crispy-forms",
    "crispy_bootstrap5": "crispy-bootstrap5",
    "allauth": "django-allauth",
    "storages": "django-storages",
    "django_extensions": "django-extensions",
    "import_export": "django-import-export",
    "mptt": "django-mptt",
    "taggit": "django-taggit",
    "polymorphic": "django-polymorphic",
    "oauth2_provider": "django-oauth-toolkit",
    "social_django": "social-auth-app-django",
    "social_core": "social-auth-core",
    "phonenumber_field": "django-phonenumber-field",
    "compressor": "django-compressor",
    "haystack": "django-haystack",
    "treebeard": "django-treebeard",
    "modelcluster": "django-modelcluster",
    "sorl": "sorl-thumbnail",
    "widget_tweaks": "django-widget-tweaks",
    "django_countries": "django-countries",
    "djmoney": "django-money",
    "reversion": "django-reversion",
    "simple_history": "django-simple-history",
    "constance": "django-constance",
    "anymail": "django-anymail",
    "django_otp": "django-otp",
    "two_factor": "django-two-factor-auth",
    "hijack": "django-hijack",
    "formtools": "django-formtools",
    "localflavor": "django-localflavor",
    "webpack_loader": "django-webpack-loader",
    "health_check": "django-health-check",
    "csp": "django-csp",
    "axes": "django-axes",
    "django_redis": "django-redis",
    "dj_database_url": "dj-database-url",
    "decouple": "python-decouple",
    "django_celery_beat": "django-celery-beat",
    "django_celery_results": "django-celery-results",
    "django_tables2": "django-tables2",
    "extra_views": "django-extra-views",
    "drf_spectacular": "drf-spectacular",
    "drf_yasg": "drf-yasg",
    "django_scopes": "django-scopes",
    "django_otp_webauthn": "django-otp-webauthn",
    "statici18n": "django-statici18n",
    "bootstrap3": "django-bootstrap3",
    "bootstrap4": "django-bootstrap4",
    "django_bootstrap5": "django-bootstrap5",
    "hierarkey": "django-hierarkey",
    "i18nfield": "django-i18nfield",
    "flask_babel": "Flask-Babel",
    "flask_mail": "Flask-Mail",
    "flask_limiter": "Flask-Limiter",
    "flask_caching": "Flask-Caching",
    "flask_socketio": "Flask-SocketIO",
    "flask_restx": "flask-restx",
    "flask_marshmallow": "flask-marshmallow",
    "flask_admin": "Flask-Admin",
    "flask_bcrypt": "Flask-Bcrypt",
    "flask_session": "Flask-Session",
    "flask_talisman": "flask-talisman",
    "flask_compress": "Flask-Compress",
    "flask_principal": "Flask-Principal",
    "flask_security": "Flask-Security-Too",
    "flask_appbuilder": "Flask-AppBuilder",
    "flask_httpauth": "Flask-HTTPAuth",
    "flask_simpleldap": "Flask-SimpleLDAP",
    "flask_dance": "Flask-Dance",
    "flask_limiter.util": "Flask-Limiter",
    "wtforms": "WTForms",
    "sqlalchemy_utils": "SQLAlchemy-Utils",
    "bson": "pymongo",
    "gridfs": "pymongo",
    "opensearchpy": "opensearch-py",
    "confluent_kafka": "confluent-kafka",
    "nats": "nats-py",
    "sentry_sdk": "sentry-sdk",
    "slack_sdk": "slack-sdk",
    "slack": "slackclient",
    "requests_oauthlib": "requests-oauthlib",
    "requests_toolbelt": "requests-toolbelt",
    "importlib_metadata": "importlib-metadata",
    "importlib_resources": "importlib-resources",
    "factory": "factory-boy",
    "faker": "Faker",
    "vcr": "vcrpy",
    "unidecode": "Unidecode",
    "ua_parser": "ua-parser",
    "user_agents": "user-agents",
    "babel": "Babel",
    "pygments": "Pygments",
    "mako": "Mako",
    "jsonpath_ng": "jsonpath-ng",
    "xlsxwriter": "XlsxWriter",
    "geoip2": "geoip2",
    "argon2": "argon2-cffi",
    "google.cloud.pubsub": "google-cloud-pubsub",
    "google.cloud.pubsub_v1": "google-cloud-pubsub",
    "google.cloud.firestore": "google-cloud-firestore",
    "google.cloud.secretmanager": "google-cloud-secret-manager",
    "google.cloud.kms": "google-cloud-kms",
    "google.cloud.logging": "google-cloud-logging",
    "google.cloud.exceptions": "google-cloud-core",
    "google.cloud.client": "google-cloud-core",
    "google.api_core": "google-api-core",
    "google.oauth2": "google-auth",
    "google.rpc": "googleapis-common-protos",
    "google.type": "googleapis-common-protos",
    "google.api": "googleapis-common-protos",
    "google_auth_oauthlib": "google-auth-oauthlib",
    "google_auth_httplib2": "google-auth-httplib2",
    "apiclient": "google-api-python-client",
    "oauth2client": "oauth2client",
    "azure.core": "azure-core",
    "azure.keyvault.secrets": "azure-keyvault-secrets",
    "azure.storage.queue": "azure-storage-queue",
    "opentelemetry": "opentelemetry-api",
    "opentelemetry.sdk": "opentelemetry-sdk",
    "zope.interface": "zope.interface",
    "dogpile": "dogpile.cache",
    "_pytest": "pytest",
    "pytest_django": "pytest-django",
    "pytest_asyncio": "pytest-asyncio",
    "pytest_mock": "pytest-mock",
    "xdist": "pytest-xdist",
    "past": "future",
    "builtins": "future",
    "Image": "Pillow",
    "ldap3": "ldap3",
    "pydantic_core": "pydantic-core",
    "multidict": "multidict",
    "OpenSSL.crypto": "pyOpenSSL",
    "Cryptodome.Cipher": "pycryptodomex",
    "nltk": "nltk",
    "lnurl": "lnurl",
    "secp256k1": "secp256k1",
    "bolt11": "bolt11",
    "jwcrypto": "jwcrypto",
    "webauthn": "webauthn",
    "magic_filter": "magic-filter",
    "playwright": "playwright",
    "dns.resolver": "dnspython",
    "markdownify": "markdownify",
    "html2text": "html2text",
    "cachecontrol": "CacheControl",
    "redis_lock": "python-redis-lock",
    "pythonjsonlogger": "python-json-logger",
    "json_log_formatter": "JSON-log-formatter",
    "xmlsec": "xmlsec",
    "onelogin": "python3-saml",
    "saml2": "pysaml2",
    "ldap_filter": "ldap-filter",
    "kerberos": "pykerberos",
    "qrcode": "qrcode",
    "zxcvbn": "zxcvbn",
    "yarl": "yarl",
    "paste": "Paste",
    "tzlocal": "tzlocal",
    "dns.exception": "dnspython",
    "hvac": "hvac",
    "cron_descriptor": "cron-descriptor",
    "croniter": "croniter",
    "shortuuid": "shortuuid",
    "emails": "emails",
    "MySQLdb.cursors": "mysqlclient",
    "_mysql": "mysqlclient",
    "cx_Oracle": "cx-Oracle",
    "oracledb": "oracledb",
    "pyodbc": "pyodbc",
    "snowflake": "snowflake-connector-python",
    "snowflake.connector": "snowflake-connector-python",
    "snowflake.sqlalchemy": "snowflake-sqlalchemy",
    "trino": "trino",
    "pyhive": "PyHive",
    "clickhouse_connect": "clickhouse-connect",
    "databricks": "databricks-sql-connector",
    "pydruid": "pydruid",
    "sqlglot": "sqlglot",
    "geopy": "geopy",
    "polyline": "polyline",
    "simplejson": "simplejson",
    "humanize": "humanize",
    "isodate": "isodate",
    "flask_wtf.csrf": "Flask-WTF",
    "selenium": "selenium",
    "prison": "prison",
    "nh3": "nh3",
    "marshmallow_enum": "marshmallow-enum",
    "apispec": "apispec",
    "deprecation": "deprecation",
    "parsedatetime": "parsedatetime",
    "pgsanity": "pgsanity",
    "jsonpath_rw": "jsonpath-rw",
    "tabulate": "tabulate",
    "backoff": "backoff",
    "TCLIService": "PyHive",
    "es": "elasticsearch-dbapi",
    "rest_flex_fields": "drf-flex-fields",
    "paypalcheckoutsdk": "paypal-checkout-serversdk",
    "paypalrestsdk": "paypalrestsdk",
    "ldclient": "launchdarkly-server-sdk",
    "mt940": "mt-940",
    "drf_ujson": "drf-ujson2",
    "pyvips": "pyvips",
    "iso639": "python-iso639",
    "bidi": "python-bidi",
    "sass": "libsass",
    "stdnum": "python-stdnum",
    "u2flib_server": "python-u2flib-server",
    "pyuca": "pyuca",
    "vat_moss": "vat-moss",
}

# Other distributions that provide the same import name (forks, headless or binary builds).
ALTERNATIVES: dict[str, tuple[str, ...]] = {
    "cv2": ("opencv-python-headless", "opencv-contrib-python", "opencv-contrib-python-headless"),
    "faiss": ("faiss-gpu",),
    "tensorflow": ("tensorflow-cpu", "tensorflow-gpu", "tensorflow-macos"),
    "sklearn": ("sklearn",),
    "websocket": ("websocket_client",),
    "zmq": ("zmq",),
    "kafka": ("kafka-python-ng",),
    "MySQLdb": ("MySQL-python", "mysqlclient"),
    "mysql": ("mysql-connector", "mysql-connector-python-rf"),
    "mysql.connector": ("mysql-connector", "mysql-connector-python-rf"),
    "magic": ("python-magic-bin", "file-magic"),
    "Crypto": ("pycrypto", "pycryptodome"),
    "captcha": ("django-simple-captcha",),
    "jose": ("python-jose", "python-jose-cryptodome", "jose"),
    "psycopg2": ("psycopg2", "psycopg2-binary"),
    "slugify": ("python-slugify", "awesome-slugify", "unicode-slugify"),
    "dateutil": ("python-dateutil",),
    "jwt": ("PyJWT", "python-jwt", "jwt"),
    "serial": ("pyserial",),
    "Image": ("Pillow", "PIL"),
    "PIL": ("Pillow", "pillow-simd"),
    "yaml": ("PyYAML", "pyyaml-ft"),
    "OpenSSL": ("pyOpenSSL",),
    "builtins": ("future",),
    "phonenumbers": ("phonenumberslite",),
}

# Top-level packages shared by many distributions: the dotted name decides the project.
NAMESPACE_ROOTS = frozenset(
    {"google", "azure", "zope", "sphinxcontrib", "jaraco", "backports", "ruamel", "paho", "opentelemetry", "snowflake"}
)
_VERSION_SUFFIX = linear(r"-v\d+(?:(?:alpha|beta|p)\d*)*$")
# Frameworks whose plugins are named after them and require them (`django-taggit` requires
# Django, `flask-login` Flask, `pytest-django` pytest, `drf-spectacular` Django REST framework):
# what a plugin vetline knows nothing else about brings in.
PLUGIN_HOSTS: dict[str, str] = {
    "django": "django",
    "djangorestframework": "djangorestframework",
    "drf": "djangorestframework",
    "flask": "flask",
    "pytest": "pytest",
    "sphinx": "sphinx",
    "sqlalchemy": "sqlalchemy",
    "requests": "requests",
    "pydantic": "pydantic",
    "fastapi": "fastapi",
    "aiohttp": "aiohttp",
    "pyramid": "pyramid",
    "wagtail": "wagtail",
    "mkdocs": "mkdocs",
    "flake8": "flake8",
    "celery": "celery",
}


def plugin_host(distribution: str) -> str | None:
    """The framework a plugin is named after (`django-sortedm2m` -> `django`), or None."""
    prefix, dash, rest = normalize(distribution).partition("-")
    return PLUGIN_HOSTS.get(prefix) if dash and rest else None


_DOT_OR_DASH = linear(r"[-.]")


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
        for end in range(len(parts), 1, -1):  # google.cloud.pubsub_v1 -> google-cloud-pubsub
            derived = normalize("-".join(parts[:end]))
            found.extend(dict.fromkeys((derived, _VERSION_SUFFIX.sub("", derived))))
    found.append(normalize(parts[0]))
    return tuple(dict.fromkeys(found))


@functools.cache
def _spelling() -> dict[str, str]:
    return {normalize(dist): dist for dist in IMPORT_TO_DIST.values()}


def canonical(name: str) -> str:
    """How the project spells its own name (`pyyaml` -> `PyYAML`), when the table knows it."""
    return _spelling().get(name, name)


@functools.cache
def _import_names() -> dict[str, str]:
    reverse: dict[str, str] = {}
    for module, dist in IMPORT_TO_DIST.items():
        if "." not in module:
            reverse.setdefault(normalize(dist), module)
    return reverse


def import_name(distribution: str) -> str:
    """The top-level module a distribution is imported as (`pyyaml` -> `yaml`; else `foo-bar` -> `foo_bar`)."""
    return _import_names().get(distribution, _DOT_OR_DASH.sub("_", distribution))


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
