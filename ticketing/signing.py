"""Signed ticket codes: what the QR holds.

A code is `SC1.` followed by base64url (no padding) of a 19-byte payload and its 64-byte Ed25519
signature: version (1), ticket id (8), edition id (4), random nonce (6). 115 ASCII characters.
A scanner with the public key can tell a genuine ticket offline; nothing about a ticket lets
anyone make another valid code without the private key.
"""

import base64
import binascii
import re
import secrets
import struct
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "SC1."
VERSION = 1
PAYLOAD = struct.Struct(">BQI6s")
SIGNATURE_BYTES = 64
MAX_CODE_LENGTH = 200
BODY = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class TicketClaim:
    """What a genuine code says: which ticket of which edition."""

    ticket_id: int
    event_id: int


def generate_seed() -> str:
    """A new private key: base64 of a 32-byte Ed25519 seed (the `TICKET_SIGNING_KEY` format)."""
    return base64.b64encode(secrets.token_bytes(32)).decode()


def _seed_from_setting(value: str) -> bytes:
    try:
        seed = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured("TICKET_SIGNING_KEY is not valid base64.") from exc
    if len(seed) != 32:
        raise ImproperlyConfigured("TICKET_SIGNING_KEY must be the base64 of a 32-byte seed.")
    return seed


@cache
def private_key() -> Ed25519PrivateKey:
    value = settings.TICKET_SIGNING_KEY
    if not value:
        if not settings.DEBUG:
            raise ImproperlyConfigured("TICKET_SIGNING_KEY must be set unless DJANGO_DEBUG=1.")
        path = Path(settings.VAR_DIR) / "ticket-signing-key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(generate_seed())
            path.chmod(0o600)
        value = path.read_text().strip()
    return Ed25519PrivateKey.from_private_bytes(_seed_from_setting(value))


@cache
def _public_of(key: Ed25519PrivateKey) -> Ed25519PublicKey:
    return key.public_key()


def _own_public_key() -> Ed25519PublicKey:
    return _public_of(private_key())  # follows `private_key` when its cache is cleared (tests)


@cache
def _public_key(raw: bytes) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(raw)


def public_key_bytes() -> bytes:
    return _own_public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def sign_ticket(*, ticket_id: int, event_id: int) -> str:
    payload = PAYLOAD.pack(VERSION, ticket_id, event_id, secrets.token_bytes(6))
    signature = private_key().sign(payload)
    return PREFIX + base64.urlsafe_b64encode(payload + signature).decode().rstrip("=")


def verify_ticket(code: str, *, public_key: bytes | None = None) -> TicketClaim | None:
    """The claim of a genuine code, or None for anything else (never raises)."""
    if not isinstance(code, str) or len(code) > MAX_CODE_LENGTH or not code.startswith(PREFIX):
        return None
    body = code[len(PREFIX) :]
    if not BODY.fullmatch(body):
        return None
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        return None
    # Only the canonical spelling is genuine (no stray padding bits, no other alphabet).
    if base64.urlsafe_b64encode(raw).decode().rstrip("=") != body:
        return None
    if len(raw) != PAYLOAD.size + SIGNATURE_BYTES:
        return None
    payload, signature = raw[: PAYLOAD.size], raw[PAYLOAD.size :]
    # Deriving the public key, or loading one, costs more than the check: both are kept.
    key = _public_key(public_key) if public_key else _own_public_key()
    try:
        key.verify(signature, payload)
    except InvalidSignature:
        return None
    version, ticket_id, event_id, _nonce = PAYLOAD.unpack(payload)
    if version != VERSION:
        return None
    return TicketClaim(ticket_id=ticket_id, event_id=event_id)
