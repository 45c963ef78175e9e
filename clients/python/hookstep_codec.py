"""hookstep's payload codec for the Temporal Python SDK: reads and writes what hookstep encrypts.

hookstep encrypts every payload (step inputs, results, failure details) with AES-256-GCM by default. This module is
the same format, so a Python client can start `sendWebhook` by name and read its result and failures::

    codec = HookstepCodec.from_env()   # HOOKSTEP_PAYLOAD_KEYS, HOOKSTEP_PAYLOAD_KEY_FILE or .hookstep/payload-keys
    client = await Client.connect(
        "127.0.0.1:7233",
        data_converter=dataclasses.replace(temporalio.converter.default(), payload_codec=codec),
    )

The format (src/codec/codec.ts in hookstep is the reference; clients/payload-codec-vectors.json holds known answers
that the TypeScript, Python and Go codecs all pass):

- the whole Payload (its metadata and data) is serialized as protobuf and encrypted with AES-256-GCM under the current
  key (the first listed), a fresh random 12-byte nonce per payload, the key id as additional authenticated data;
- the encrypted payload's data is ``nonce || ciphertext || 16-byte tag``; its metadata is ``encoding:
  binary/encrypted`` and ``encryption-key-id: <key id>``;
- payloads whose encoding is not ``binary/encrypted`` (runs from before encryption was on) pass through decode.

Keys are ``keyId:base64key`` entries (32-byte keys, standard or URL-safe base64), separated by commas or new lines,
``#`` starting a comment line; the first encrypts, every one decrypts (rotation). Requires the ``cryptography`` and
``temporalio`` packages.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Mapping, Sequence
from typing import Optional

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

ENCRYPTED_ENCODING = b"binary/encrypted"
KEY_ID_METADATA = "encryption-key-id"
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
# Where `hookstep dev` keeps the key it generates, relative to the directory `npm start` ran in.
DEV_KEY_FILE = os.path.join(".hookstep", "payload-keys")
_KEY_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class KeyConfigError(ValueError):
    """The keys are missing or malformed; the message names the variable or file, never a key."""


class PayloadDecryptionError(Exception):
    """A payload under a key this process lacks, or data that is not what this codec wrote."""


def parse_key_list(text: str, where: str) -> tuple[str, dict[str, bytes]]:
    """Parses ``id:base64,id2:base64`` into (current key id, {key id: 32-byte key}); ``where`` names the source."""
    entries = [
        entry.strip()
        for line in text.split("\n")
        if not line.strip().startswith("#")
        for entry in line.split(",")
        if entry.strip()
    ]
    if not entries:
        raise KeyConfigError(f"{where} holds no key: expected keyId:base64key")
    keys: dict[str, bytes] = {}
    issues: list[str] = []
    for i, entry in enumerate(entries, start=1):
        key_id, sep, encoded = entry.partition(":")
        if not sep or not _KEY_ID.fullmatch(key_id):
            issues.append(
                f"{where}: entry {i} must be keyId:base64key, the id of letters, digits, '.', '_' or '-'"
            )
            continue
        key = _decode_key(encoded)
        if key is None:
            issues.append(f'{where}: key "{key_id}" must be {KEY_BYTES} bytes in base64 (openssl rand -base64 32)')
        elif key_id in keys:
            issues.append(f'{where}: key id "{key_id}" is listed twice')
        else:
            keys[key_id] = key
    if issues:
        raise KeyConfigError("; ".join(issues))
    return next(iter(keys)), keys


def _decode_key(text: str) -> Optional[bytes]:
    """32 bytes from canonical base64, standard or URL-safe, padding optional; None otherwise."""
    normal = text.strip().replace("-", "+").replace("_", "/")
    normal += "=" * (-len(normal) % 4)
    try:
        key = base64.b64decode(normal, validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(key) != KEY_BYTES or base64.b64encode(key).decode() != normal:
        return None
    return key


class HookstepCodec(PayloadCodec):
    """hookstep's AES-256-GCM payload codec: encrypts with the current key, decrypts with any key of the ring."""

    def __init__(self, keys: Mapping[str, bytes], current_id: Optional[str] = None, source: str = "keys") -> None:
        if not keys:
            raise KeyConfigError(f"{source} holds no key")
        for key_id, key in keys.items():
            if len(key) != KEY_BYTES:
                raise KeyConfigError(f'{source}: key "{key_id}" must be {KEY_BYTES} bytes')
        self.current_id = current_id if current_id is not None else next(iter(keys))
        if self.current_id not in keys:
            raise KeyConfigError(f'{source}: the current key "{self.current_id}" is not among the keys')
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self.source = source

    @classmethod
    def from_key_list(cls, text: str, where: str = "HOOKSTEP_PAYLOAD_KEYS") -> "HookstepCodec":
        current_id, keys = parse_key_list(text, where)
        return cls(keys, current_id, where)

    @classmethod
    def from_key_file(cls, path: str) -> "HookstepCodec":
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except OSError as err:
            raise KeyConfigError(f"cannot read the key file {path} ({err.strerror})") from err
        return cls.from_key_list(text, path)

    @classmethod
    def from_env(
        cls, env: Optional[Mapping[str, str]] = None, dev_key_file: Optional[str] = DEV_KEY_FILE
    ) -> "HookstepCodec":
        """The keys hookstep itself would use: HOOKSTEP_PAYLOAD_KEYS, else HOOKSTEP_PAYLOAD_KEY_FILE, else the key
        file ``hookstep dev`` (``npm start``) wrote in the current directory. Raises KeyConfigError when none is set:
        a hookstep with no key stores payloads in clear, and the SDK's default converter reads them without a codec.
        """
        env = os.environ if env is None else env
        keys = env.get("HOOKSTEP_PAYLOAD_KEYS") or None
        key_file = env.get("HOOKSTEP_PAYLOAD_KEY_FILE") or None
        if keys and key_file:
            raise KeyConfigError("set HOOKSTEP_PAYLOAD_KEYS or HOOKSTEP_PAYLOAD_KEY_FILE, not both")
        if keys:
            return cls.from_key_list(keys, "HOOKSTEP_PAYLOAD_KEYS")
        if key_file:
            return cls.from_key_file(key_file)
        if dev_key_file and os.path.exists(dev_key_file):
            return cls.from_key_file(dev_key_file)
        raise KeyConfigError(
            "no payload key: set HOOKSTEP_PAYLOAD_KEYS or HOOKSTEP_PAYLOAD_KEY_FILE as the hookstep worker has it, "
            f"or run where `hookstep dev` wrote {DEV_KEY_FILE}"
        )

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.encrypt(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.decrypt(p) for p in payloads]

    def encrypt(self, payload: Payload, nonce: Optional[bytes] = None) -> Payload:
        """One payload, encrypted; ``nonce`` only for known-answer tests (never reuse a nonce under one key)."""
        key_id = self.current_id
        nonce = os.urandom(NONCE_BYTES) if nonce is None else nonce
        sealed = self._ciphers[key_id].encrypt(nonce, payload.SerializeToString(), key_id.encode())
        return Payload(
            metadata={"encoding": ENCRYPTED_ENCODING, KEY_ID_METADATA: key_id.encode()},
            data=nonce + sealed,
        )

    def decrypt(self, payload: Payload) -> Payload:
        """One payload, decrypted; a payload that hookstep did not encrypt is returned as it is."""
        if payload.metadata.get("encoding") != ENCRYPTED_ENCODING:
            return payload
        key_id = payload.metadata.get(KEY_ID_METADATA, b"").decode("utf-8", "replace")
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise PayloadDecryptionError(
                f'payload encrypted with key "{key_id}", which is not among this process\'s keys ({self.source}); '
                "add it to HOOKSTEP_PAYLOAD_KEYS or the key file after the current key"
            )
        data = payload.data
        if len(data) < NONCE_BYTES + TAG_BYTES:
            raise PayloadDecryptionError(f'payload under key "{key_id}" is truncated')
        try:
            plain = cipher.decrypt(data[:NONCE_BYTES], data[NONCE_BYTES:], key_id.encode())
        except InvalidTag:
            raise PayloadDecryptionError(
                f'payload under key "{key_id}" does not decrypt: a different key with that id, or altered data'
            ) from None
        return Payload.FromString(plain)
