"""A chat backend as an assistant might write it: every credential inline."""
import jwt
import psycopg2
from flask import Flask
from openai import OpenAI

app = Flask(__name__)
app.secret_key = "dev-secret-key"

OPENAI_API_KEY = "sk-proj-abc123..."
AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
DATABASE_URL = "postgresql://chat:Sup3rS3cret@db.internal:5432/chat"
API_BASE_URL = "https://api.internal.acme.io/v1"
REDIS_PORT = 6379

client = OpenAI(api_key=OPENAI_API_KEY, base_url=API_BASE_URL)


def connect(password="admin123"):
    return psycopg2.connect(DATABASE_URL, password=password)


def issue_token(user_id):
    return jwt.encode({"sub": user_id}, "jwt-signing-secret", algorithm="HS256")
