"""Writes flask-vectors.json: session cookies made, and verdicts given, by the real Flask and itsdangerous.

Run from this directory with the Python whose Flask should make them: /usr/bin/python3 vectors.py (Debian's
python3-flask 2.2) writes flask-vectors-2.2.json; a Python with Flask 3.1 writes flask-vectors-3.1.json. Every cookie
is made by Flask's own SecureCookieSessionInterface inside a request of a real app, at a fixed clock; every verdict is
what Flask's open_session does with it: the session loaded, or refused by itsdangerous (BadSignature and its
subclasses give an empty session; BadPayload, which Flask does not catch, answers 500).
Key rotation: Flask 3.1's own SECRET_KEY_FALLBACKS; before 3.1, what 3.1 does with them, itsdangerous given
[fallbacks..., secret_key], verifying with each and signing with the last.
"""

import datetime
import json
import sys
import uuid
import zlib
from unittest import mock

import flask
import itsdangerous
from flask import Flask, session
from importlib.metadata import version
from itsdangerous import BadData, BadSignature, URLSafeTimedSerializer
from itsdangerous.encoding import base64_decode, base64_encode
from markupsafe import Markup

SECRET = "flask-secret-key of the vectors"
OLD_SECRET = "the secret before rotation"
NOW = 1796526245  # 2026-12-06T03:04:05Z
LIFETIME = 31 * 24 * 3600  # PERMANENT_SESSION_LIFETIME's default

app = Flask(__name__)
app.secret_key = SECRET
HAS_FALLBACKS = "SECRET_KEY_FALLBACKS" in app.config
FLASK = version("flask")


def at(timestamp):
    return mock.patch("time.time", return_value=float(timestamp))


def serializer(secrets):
    """Flask's own serializer, or Flask 3.1's with fallbacks: secrets newest first."""
    interface = app.session_interface
    app.secret_key = secrets[0]
    if len(secrets) == 1 or HAS_FALLBACKS:
        app.config["SECRET_KEY_FALLBACKS"] = list(secrets[1:])
        return interface.get_signing_serializer(app)
    return URLSafeTimedSerializer(
        list(reversed(secrets)),
        salt=interface.salt,
        serializer=interface.serializer,
        signer_kwargs=dict(key_derivation=interface.key_derivation, digest_method=interface.digest_method),
    )


def make(fill, secrets=(SECRET,), timestamp=NOW):
    """A cookie as save_session writes it after fill(session) ran in a request."""
    with app.test_request_context("/"), at(timestamp):
        fill(session)
        return serializer(list(secrets)).dumps(dict(session))


def payload_json(cookie):
    payload = cookie.rsplit(".", 2)[0]
    compressed = payload.startswith(".")
    data = base64_decode(payload[1:] if compressed else payload)
    return (zlib.decompress(data) if compressed else data).decode("utf-8"), compressed


def verdict(cookie, secrets=(SECRET,), now=NOW, lifetime=LIFETIME):
    """What open_session makes of the cookie: the session as tagged JSON, or None for an empty one."""
    with app.test_request_context("/"), at(now):
        try:
            data = serializer(list(secrets)).loads(cookie, max_age=lifetime)
        except BadData as error:
            return None, type(error).__name__
        return flask.json.tag.TaggedJSONSerializer().dumps(data), None


vectors = []


def add(name, cookie, secrets=(SECRET,), now=NOW, lifetime=LIFETIME, signed_at=NOW, note=""):
    loaded, error = verdict(cookie, secrets, now, lifetime)
    entry = {
        "name": name,
        "note": note,
        "secrets": list(secrets),
        "now": now,
        "lifetimeSeconds": lifetime,
        "cookie": cookie,
        "loaded": loaded is not None,
        "flaskError": error,
        "flaskAnswers500": error is not None and not issubclass(getattr(itsdangerous, error), BadSignature),
    }
    if loaded is not None:
        json_text, compressed = payload_json(cookie)
        entry.update(json=json_text, compressed=compressed, signedAt=signed_at)
    vectors.append(entry)


def fill_simple(s):
    s["user_id"] = 42
    s["name"] = "Zoë ☃ 𝄞"
    s["_fresh"] = True


def fill_numbers(s):
    s["numbers"] = [0, -1, 2 ** 53 + 1, 2 ** 70, 0.1, 1e100, -2.5e-8, 3.0]
    s["nested"] = {"a": {"b": {"c": [1, {"d": None}]}}, "empty": {}, "list": []}
    s["text"] = "quote \" backslash \\ tab \t newline \n control \x01 slash /"


def fill_flashes(s):
    s["_flashes"] = [("message", "Welcome back"), ("error", "Käse <b>not</b> found")]


def fill_typed(s):
    s["tuple"] = (1, "two", 3.5, (4,))
    s["bytes"] = b"\x00\x01binary\xff"
    s["markup"] = Markup("<b>bold</b>")
    s["uuid"] = uuid.UUID("12345678-1234-5678-1234-567812345678")
    s["when"] = datetime.datetime(2026, 12, 6, 3, 4, 5, tzinfo=datetime.timezone.utc)
    s["tag_like"] = {" t": "a dict whose only key is a tag"}
    s["tag_like_nested"] = {" di": {" t": 1}}


def fill_large(s):
    s["cart"] = [{"sku": f"SKU-{i:04d}", "qty": i % 3 + 1, "note": "same words again and again"} for i in range(40)]


def fill_one_tag_key(s):
    s[" t"] = "the whole session is a dict whose only key is a tag"


simple = make(fill_simple)
add("simple", simple)
add("numbers-and-nesting", make(fill_numbers))
add("flashes", make(fill_flashes))
add("typed", make(fill_typed))
add("compressed", make(fill_large))
add("session-is-one-tag-key", make(fill_one_tag_key))
add("empty-session", make(lambda s: None), note="Flask never writes one (it deletes the cookie), but it loads one")

# Lifetime: itsdangerous refuses an age above max_age, and a negative age (a timestamp in the future).
add("at-the-lifetime", simple, now=NOW + LIFETIME)
add("past-the-lifetime", simple, now=NOW + LIFETIME + 1)
add("signed-in-the-future", simple, now=NOW - 1)
add("short-lifetime-within", simple, now=NOW + 60, lifetime=60)
add("short-lifetime-past", simple, now=NOW + 61, lifetime=60)

# Secrets.
add("foreign-secret", simple, secrets=("another app's secret",))
old = make(fill_simple, secrets=(OLD_SECRET,))
add("old-secret-read-with-fallback", old, secrets=(SECRET, OLD_SECRET), note="Flask 3.1 SECRET_KEY_FALLBACKS")
add("old-secret-without-fallback", old, secrets=(SECRET,))
add("signed-with-newest-of-two", make(fill_simple, secrets=(SECRET, OLD_SECRET)), secrets=(SECRET,))

# Tampering and malformed values.
payload, timestamp, signature = simple.rsplit(".", 2)
flip = "A" if signature[0] != "A" else "B"
add("tampered-signature", f"{payload}.{timestamp}.{flip}{signature[1:]}")
add("tampered-payload", f"{payload[:-1]}{'A' if payload[-1] != 'A' else 'B'}.{timestamp}.{signature}")
add("tampered-timestamp", f"{payload}.{timestamp[:-1]}{'A' if timestamp[-1] != 'A' else 'B'}.{signature}")
add("no-signature", f"{payload}.{timestamp}")
add("no-separator", payload)
add("empty-signature", f"{payload}.{timestamp}.")


def signed(raw_payload, timestamp_bytes=None):
    """A value signed correctly around an arbitrary payload, as an attacker with the secret could not, to check what
    the reading does after the signature passed."""
    signer = serializer([SECRET]).make_signer(serializer([SECRET]).salt)
    ts = base64_encode(itsdangerous.encoding.int_to_bytes(NOW)) if timestamp_bytes is None else timestamp_bytes
    value = raw_payload + b"." + ts
    return (value + b"." + signer.get_signature(value)).decode("ascii")


add("signed-not-json", signed(base64_encode(b"not json")))
add("signed-json-array", signed(base64_encode(b"[1,2]")))
add("signed-bad-zlib", signed(b"." + base64_encode(b"not zlib at all")))
add("signed-compressed-not-json", signed(b"." + base64_encode(zlib.compress(b"{\"a\":"))))
add("signed-empty-timestamp", signed(base64_encode(b"{}"), b""))
add("signed-nine-byte-timestamp", signed(base64_encode(b"{}"), base64_encode(b"\x00" + NOW.to_bytes(8, "big"))))
add("signed-padded-timestamp", signed(base64_encode(b"{\"a\":1}"), base64_encode(b"\x00\x00" + NOW.to_bytes(4, "big"))),
    note="leading zero bytes: itsdangerous reads the same time")
add("signed-invalid-utf8", signed(base64_encode(b"{\"a\":\"\xff\"}")))

document = {
    "generator": "tests/interop/flask/vectors.py",
    "flask": FLASK,
    "itsdangerous": version("itsdangerous"),
    "secretKeyFallbacks": "Flask's own" if HAS_FALLBACKS else "as Flask 3.1 does, through itsdangerous",
    "secret": SECRET,
    "vectors": vectors,
}
with open("flask-vectors-" + ".".join(FLASK.split(".")[:2]) + ".json", "w", encoding="utf-8") as f:
    json.dump(document, f, ensure_ascii=False, indent=2)
    f.write("\n")
print(f"{len(vectors)} vectors", file=sys.stderr)
