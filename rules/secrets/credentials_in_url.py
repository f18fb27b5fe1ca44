"""A connection string or URL with an embedded `user:password@` (databases, brokers, HTTP)."""

from __future__ import annotations

from ..context import FileContext
from ..model import Category, Confidence, Finding, Rule, Severity
from . import _scan

message = _scan.advice("the password travels with every copy of the code; read the URL from the environment.")


def scan(ctx: FileContext) -> list[Finding]:
    return _scan.findings(ctx, RULE, message)


RULE = Rule(
    id="credentials-in-url",
    title="Password embedded in a connection URL",
    category=Category.SECRETS,
    cwe=(798,),
    owasp=("A07:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=_scan.CODE_LANGUAGES | _scan.TEXT_FORMATS,
    scan=scan,
    fixable=True,
    message="A URL or connection string embeds a password.",
    docs="""## Why is this bad?
`postgres://app:s3cret@db/prod` puts a database password in the code. Assistants write
connection strings this way for PostgreSQL, MySQL, MongoDB (`mongodb+srv://`), Redis, AMQP and
HTTP(S) basic auth. The password also leaks into logs and error messages that print the URL.
Passwords given as placeholders (`${DB_PASSWORD}`, `{password}`, `%s`) and f-string fields are
not reported; a literal password next to interpolated host names still is. Docstrings and other
bare string statements are documentation and are not checked, nor are values shown to a reader
under an `example`, `examples`, `sample`, `placeholder` or `help_text` key or keyword (a
configuration schema's `example:`, pydantic's `Field(example=...)`).

## How to fix
Read the whole URL from the environment (`DATABASE_URL`), or build it from parts that are.

## Fix safety
"Move to environment variable" is unsafe: the program now needs the variable set.
""",
    references=(
        "https://cwe.mitre.org/data/definitions/798.html",
        "https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING",
        "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
    ),
    examples='''
import os
from sqlalchemy import create_engine as ce
# ruleid: credentials-in-url
DATABASE_URL = "postgresql://app:Sup3rS3cret@db.internal:5432/prod"
# ruleid: credentials-in-url
engine = ce("mysql+pymysql://root:x7Qk2mP9vL@localhost/shop")
# ok: credentials-in-url
engine = ce("postgresql://fief:fiefpassword@localhost:5432/fief")  # a local default from the setup guide
# ok: credentials-in-url
client = MongoClient("mongodb://off:off-wger@127.0.0.1", port=27017)
# ruleid: credentials-in-url
client = MongoClient("mongodb://off:x7Qk2-mP9vL@127.0.0.1", port=27017)
# ok: credentials-in-url
# like http://user:passw@hostname:port/path
# ruleid: credentials-in-url
MONGO = f"mongodb+srv://admin:hunter22@{cluster}/app"
# ruleid: credentials-in-url
broker_url = "amqp://guest:guest@rabbit:5672//"
# ok: credentials-in-url
DATABASE_URL = os.environ["DATABASE_URL"]
# ok: credentials-in-url
url = f"postgresql://{user}:{password}@{host}/db"
# ok: credentials-in-url
REDIS_URL = "redis://:${REDIS_PASSWORD}@cache:6379/0"
# ok: credentials-in-url
docs = "https://example.com/path?q=1"
# ok: credentials-in-url
database_url: str = Field(..., example="postgresql://app:Sup3rS3cret@db.internal/prod")
def split_url(url):
    # ok: credentials-in-url
    """Split 'http://username:password@host.com:80/path' into its parts."""
''',
)
