"""Known answers for hookstep_codec: it decrypts what the TypeScript and Go codecs wrote, writes byte for byte what
the TypeScript codec writes for the same nonce, refuses what they refuse, and reads keys as hookstep does.
Run: python -m unittest discover -s clients/python (needs temporalio and cryptography)."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import tempfile
import unittest
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload

from hookstep_codec import (
    KEY_ID_METADATA,
    HookstepCodec,
    KeyConfigError,
    PayloadDecryptionError,
    parse_key_list,
)

VECTORS = json.loads((Path(__file__).parent.parent / "payload-codec-vectors.json").read_text("utf-8"))
CODEC = HookstepCodec.from_key_list(VECTORS["keys"], "vectors")


def payload(j: dict) -> Payload:
    return Payload(
        metadata={k: base64.b64decode(v) for k, v in j["metadata"].items()},
        data=base64.b64decode(j["data"]),
    )


def run(coro):
    return asyncio.run(coro)


class Vectors(unittest.TestCase):
    def test_every_vector_decrypts_to_its_payload(self) -> None:
        for v in VECTORS["vectors"]:
            with self.subTest(v["name"], writer=v["writer"]):
                [decoded] = run(CODEC.decode([payload(v["encoded"])]))
                self.assertEqual(decoded, payload(v["payload"]))

    def test_the_same_nonce_gives_the_typescript_codecs_bytes(self) -> None:
        checked = 0
        _, keys = parse_key_list(VECTORS["keys"], "vectors")
        for v in VECTORS["vectors"]:
            encoded = payload(v["encoded"])
            key_id = encoded.metadata[KEY_ID_METADATA].decode()
            nonce = encoded.data[:12]
            plain = AESGCM(keys[key_id]).decrypt(nonce, encoded.data[12:], key_id.encode())
            p = Payload.FromString(plain)
            # Protobuf leaves the order of map entries to each implementation: compare bytes where there is one.
            if v["writer"] != "typescript" or len(p.metadata) > 1:
                continue
            ring = HookstepCodec(keys, key_id, "vectors")
            self.assertEqual(ring.encrypt(p, nonce), encoded, v["name"])
            checked += 1
        self.assertGreaterEqual(checked, 3)

    def test_payloads_from_before_encryption_pass_through(self) -> None:
        for j in VECTORS["passThrough"]:
            self.assertEqual(run(CODEC.decode([payload(j)])), [payload(j)])

    def test_refused_envelopes_fail_saying_why(self) -> None:
        for v in VECTORS["rejected"]:
            with self.subTest(v["name"]):
                with self.assertRaises(PayloadDecryptionError) as caught:
                    run(CODEC.decode([payload(v["encoded"])]))
                self.assertIn(v["error"], str(caught.exception))


class RoundTrip(unittest.TestCase):
    def test_encrypts_with_the_first_key_a_fresh_nonce_each(self) -> None:
        p = Payload(metadata={"encoding": b"json/plain"}, data=b'{"secret":"whsec_x"}')
        one, two = run(CODEC.encode([p, p]))
        self.assertEqual(dict(one.metadata), {"encoding": b"binary/encrypted", KEY_ID_METADATA: b"a"})
        self.assertNotIn(b"whsec_x", one.data)
        self.assertNotEqual(one.data[:12], two.data[:12])
        self.assertEqual(run(CODEC.decode([one, two])), [p, p])


class Keys(unittest.TestCase):
    key = base64.b64encode(bytes(range(32))).decode()

    def test_url_safe_and_unpadded_keys_are_read_comments_and_lines_too(self) -> None:
        url_safe = base64.urlsafe_b64encode(bytes(range(200, 232))).decode().rstrip("=")
        current, keys = parse_key_list(f"# a comment\nk2:{url_safe}\r\nk1:{self.key}", "f")
        self.assertEqual(current, "k2")
        self.assertEqual(keys, {"k2": bytes(range(200, 232)), "k1": bytes(range(32))})

    def test_bad_keys_are_refused_naming_the_source_never_the_key(self) -> None:
        short = base64.b64encode(bytes(16)).decode()
        for text, words in [
            (" , ", "holds no key"),
            (f":{self.key}", "entry 1 must be keyId:base64key"),
            (f"a:{short}", 'key "a" must be 32 bytes'),
            (f"a:{self.key},a:{self.key}", "listed twice"),
        ]:
            with self.subTest(text=text):
                with self.assertRaises(KeyConfigError) as caught:
                    parse_key_list(text, "HOOKSTEP_PAYLOAD_KEYS")
                self.assertIn(words, str(caught.exception))
                self.assertNotIn(self.key, str(caught.exception))

    def test_sdk_go_1999_a_current_key_that_is_missing_fails_when_the_codec_is_made_not_at_encode(self) -> None:
        with self.assertRaisesRegex(KeyConfigError, 'the current key "b" is not among the keys'):
            HookstepCodec({"a": bytes(32)}, "b", "HOOKSTEP_PAYLOAD_KEYS")

    def test_from_env_reads_the_variable_the_file_or_the_dev_key_file_in_that_order(self) -> None:
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "payload-keys")
            Path(path).write_text(f"# hookstep payload keys\nfile-1:{self.key}\n", "utf-8")
            self.assertEqual(HookstepCodec.from_env({"HOOKSTEP_PAYLOAD_KEYS": f"env-1:{self.key}"}).current_id, "env-1")
            self.assertEqual(HookstepCodec.from_env({"HOOKSTEP_PAYLOAD_KEY_FILE": path}).current_id, "file-1")
            self.assertEqual(HookstepCodec.from_env({}, dev_key_file=path).current_id, "file-1")
            with self.assertRaisesRegex(KeyConfigError, "not both"):
                HookstepCodec.from_env({"HOOKSTEP_PAYLOAD_KEYS": f"e:{self.key}", "HOOKSTEP_PAYLOAD_KEY_FILE": path})
            with self.assertRaisesRegex(KeyConfigError, "HOOKSTEP_PAYLOAD_KEYS"):
                HookstepCodec.from_env({}, dev_key_file=os.path.join(d, "missing"))


if __name__ == "__main__":
    unittest.main()
