"""Signing keys: RSA (RS256, the algorithm every Open Badges 3.0 verifier must accept).

The private half of each key is a PEM file in the keys folder, owner-only, never logged or shown in a
``repr``; the public half is a JWK in the database (``signing_keys``), where every worker and every
verification finds it. :meth:`KeyStore.ensure` makes the first key when the advisor starts (never
inside an update); ``rotate`` makes a new one and retires the old, which keeps verifying what it
signed. Each key's ``kid`` is a URI under ADVISOR_PUBLIC_URL that the web server will serve as that
one public JWK.

The folder also holds the identity key: a random secret that makes the hash of a learner's phone
number one only this advisor can test (there are too few phone numbers for a plain salted hash).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.credentials.models import SigningKey
from bot.credentials.signing import ALGORITHM

KEY_BITS = 3072
IDENTITY_KEY = "identity.key"


class KeyStore:
    """The signing keys of one advisor; see the module docstring."""

    def __init__(self, folder: Path, public_url: str, *, bits: int = KEY_BITS) -> None:
        if bits < 2048:
            raise ValueError("RS256 keys must have at least 2048 bits")
        self.folder, self.public_url, self.bits = folder, public_url.rstrip("/"), bits

    def __repr__(self) -> str:
        return f"KeyStore(folder={str(self.folder)!r})"

    def _path(self, kid: str) -> Path:
        return self.folder / (kid.rsplit("/", 1)[-1] + ".pem")

    def create(self, session: Session, now: dt.datetime) -> str:
        """Make a new key pair: the private key owner-only on disk, the public JWK in the session."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=self.bits)
        kid = f"{self.public_url}/keys/{now:%Y%m%d}-{secrets.token_hex(4)}"
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        path = self._path(kid)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        jwk: dict[str, Any] = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
        session.add(SigningKey(kid=kid, public_jwk={**jwk, "kid": kid, "alg": ALGORITHM, "use": "sig"},
                               created_at=now))
        session.flush()
        return kid

    def _usable(self, session: Session) -> str | None:
        rows = session.scalars(select(SigningKey).where(SigningKey.retired_at.is_(None))
                               .order_by(SigningKey.created_at.desc())).all()
        return next((row.kid for row in rows if self._path(row.kid).exists()), None)

    def ensure(self, session: Session, now: dt.datetime) -> str:
        """At start: the key that signs now, made if there is none; and the identity key."""
        self._make_identity_key()
        return self._usable(session) or self.create(session, now)

    def signing_key(self, session: Session) -> tuple[str, rsa.RSAPrivateKey]:
        """The key that signs now: the newest active one whose private half is in this folder."""
        kid = self._usable(session)
        if kid is None:
            raise KeyError("no usable signing key in the keys folder; run `python -m bot keys rotate`")
        return kid, self.private_key(kid)

    def identity_key(self) -> bytes | None:
        """The secret the phone number hash is keyed with (None before :meth:`ensure` made it)."""
        path = self.folder / IDENTITY_KEY
        return path.read_bytes() if path.exists() else None

    def _make_identity_key(self) -> None:
        path = self.folder / IDENTITY_KEY
        if path.exists():
            return
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):  # another worker made it at the same moment
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(32))
                fh.flush()
                os.fsync(fh.fileno())

    def private_key(self, kid: str) -> rsa.RSAPrivateKey:
        key = serialization.load_pem_private_key(self._path(kid).read_bytes(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):  # pragma: no cover - only this module writes the folder
            raise ValueError("not an RSA key")
        return key

    def rotate(self, session: Session, now: dt.datetime) -> str:
        """Retire the signing keys in use and make a new one; old keys keep verifying."""
        for row in session.scalars(select(SigningKey).where(SigningKey.retired_at.is_(None))):
            row.retired_at = now
        return self.create(session, now)


def jwks(session: Session) -> dict[str, list[dict[str, Any]]]:
    """The public JWK set: every key that ever signed, newest first (no private part, ever)."""
    keys = session.scalars(select(SigningKey).order_by(SigningKey.created_at.desc())).all()
    return {"keys": [{k: v for k, v in row.public_jwk.items() if k in ("kty", "n", "e", "kid", "alg", "use")}
                     for row in keys]}
