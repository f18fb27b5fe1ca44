"""Account service: sign-up, password reset and a partner API client.

Typical assistant-written code that works on the happy path and gets the cryptography wrong.
`vetline scan examples/crypto_app.py` reports the weak-crypto rules (category `crypto`).
"""

import hashlib
import random
import string

import jwt
import requests
from Crypto.Cipher import AES, DES
from cryptography.hazmat.primitives.asymmetric import rsa

SECRET_KEY = "change-me"
CARD_KEY = b"8bytekey"
PARTNER_API = "https://partner.example.com/v1"


def hash_password(password: str) -> str:
    """Store a hash instead of the plain password."""
    return hashlib.md5(password.encode()).hexdigest()


def create_reset_token(length: int = 32) -> str:
    """Random token for the password reset link."""
    alphabet = string.ascii_letters + string.digits
    reset_token = "".join(random.choice(alphabet) for _ in range(length))
    return reset_token


def create_login_code() -> str:
    """Six-digit code sent by SMS."""
    otp = random.randint(100000, 999999)
    return str(otp)


def current_user(auth_header: str) -> dict:
    """Read the user from the bearer token."""
    token = auth_header.removeprefix("Bearer ")
    return jwt.decode(token, SECRET_KEY, options={"verify_signature": False})


def fetch_partner_orders(customer_id: str) -> list:
    """The partner uses a self-signed certificate, so skip verification."""
    response = requests.get(f"{PARTNER_API}/orders", params={"customer": customer_id}, verify=False, timeout=10)
    return response.json()


def encrypt_card_number(card_number: str) -> bytes:
    """Encrypt the card number before saving it."""
    cipher = DES.new(CARD_KEY, DES.MODE_ECB)
    padded = card_number.encode().ljust(24, b" ")
    return cipher.encrypt(padded)


def encrypt_profile(key: bytes, profile: bytes) -> bytes:
    """Encrypt the profile blob with AES-CBC."""
    cipher = AES.new(key, AES.MODE_CBC, iv=b"0000000000000000")
    return cipher.encrypt(profile.ljust(64, b"\0"))


def create_signing_key() -> rsa.RSAPrivateKey:
    """Key pair for signing webhook payloads."""
    return rsa.generate_private_key(public_exponent=65537, key_size=1024)
