"""The real Flask peer of the interop tests: a small app on Flask's default cookie session.

Run: python3 app.py SECRET_KEY [PERMANENT_SESSION_LIFETIME_SECONDS]
It listens on a free loopback port, prints "listening PORT" and serves until its stdin closes.

A request may move the app's clock with the header X-Clock-Offset (seconds, may be negative): the session's
signature is then dated, and checked against PERMANENT_SESSION_LIFETIME, as if the clock read that much later.
"""

import base64
import datetime
import logging
import sys
import threading
import time
import uuid

from flask import Flask, flash, get_flashed_messages, jsonify, request, session
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from markupsafe import Markup
from werkzeug.serving import make_server


def clock_offset():
    try:
        return int(request.headers.get("X-Clock-Offset", "0"))
    except (RuntimeError, ValueError):
        return 0


class MovedClockSigner(TimestampSigner):
    def get_timestamp(self):
        return int(time.time()) + clock_offset()


class MovedClockSessionInterface(SecureCookieSessionInterface):
    """Flask's own session interface; only the signer's clock can be moved per request."""

    def get_signing_serializer(self, app):
        if not app.secret_key:
            return None
        return URLSafeTimedSerializer(
            app.secret_key,
            salt=self.salt,
            serializer=self.serializer,
            signer=MovedClockSigner,
            signer_kwargs=dict(key_derivation=self.key_derivation, digest_method=self.digest_method),
        )


app = Flask(__name__)
app.secret_key = sys.argv[1]
if len(sys.argv) > 2:
    app.config["PERMANENT_SESSION_LIFETIME"] = datetime.timedelta(seconds=int(sys.argv[2]))
app.session_interface = MovedClockSessionInterface()


def plain(value):
    """The session's Python values as plain JSON, with each tagged type named, so that tests see what Flask loaded."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return {"tuple": [plain(v) for v in value]}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, bytes):
        return {"bytes": base64.b64encode(value).decode("ascii")}
    if isinstance(value, Markup):
        return {"markup": str(value)}
    if isinstance(value, uuid.UUID):
        return {"uuid": str(value)}
    if isinstance(value, datetime.datetime):
        return {"datetime": value.isoformat()}
    return value


@app.get("/session")
def read():
    return jsonify(plain(dict(session)))


@app.post("/set")
def set_keys():
    session.update(request.get_json())
    return jsonify(plain(dict(session)))


@app.post("/increment")
def increment():
    session["counter"] = session.get("counter", 0) + 1
    return jsonify(plain(dict(session)))


@app.post("/clear")
def clear():
    session.clear()
    return jsonify({})


@app.post("/flash")
def add_flash():
    body = request.get_json()
    flash(body["message"], body.get("category", "message"))
    return jsonify(plain(dict(session)))


@app.get("/flashes")
def flashes():
    # Flask's own reading: pops them from the session, as a template's get_flashed_messages does.
    return jsonify([list(f) for f in get_flashed_messages(with_categories=True)])


@app.post("/permanent")
def permanent():
    session.permanent = True
    return jsonify(plain(dict(session)))


@app.post("/typed")
def typed():
    """Stores one value of each type Flask's tagged JSON carries beyond JSON."""
    session["tuple"] = (1, "two", 3.5)
    session["bytes"] = b"\x00\x01binary\xff"
    session["markup"] = Markup("<b>bold</b>")
    session["uuid"] = uuid.UUID("12345678-1234-5678-1234-567812345678")
    session["when"] = datetime.datetime(2026, 12, 6, 3, 4, 5, tzinfo=datetime.timezone.utc)
    session["tag_like"] = {" t": "a dict whose only key is a tag"}
    return jsonify(plain(dict(session)))


def main():
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(f"listening {server.server_port}", flush=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    sys.stdin.read()  # The tests close stdin to stop the peer.
    server.shutdown()


if __name__ == "__main__":
    main()
