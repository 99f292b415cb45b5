"""Writes django-vectors.json: session cookies signed by Django's own signing code, for the codec's unit tests.

    /usr/bin/python3 vectors.py > django-vectors.json

Each vector is a value as django.contrib.sessions.backends.signed_cookies writes it (signing.dumps with the backend's
salt, the JSON serializer, compress=True) at a fixed time, with the session as Django reads it back. A second,
independent implementation (hashlib, hmac, zlib and base64 only, as Django 4.1 and later sign, SECRET_KEY_FALLBACKS
included) must produce the same value for every vector, which pins the key derivation and the layout; it also signs
what this Django cannot: a value under a fallback secret, and JSON bytes outside ASCII, which Django reads as Latin-1.
Some vectors are signed correctly yet must be refused: the SHA-1 signatures of Django 3.1's transition, and
PickleSerializer's payload.
"""
import base64
import hashlib
import hmac
import json
import sys
import zlib

import django
from django.conf import settings

settings.configure(SECRET_KEY='unused: every vector names its secret')
django.setup()

from django.contrib.sessions.serializers import PickleSerializer  # noqa: E402
from django.core import signing  # noqa: E402
from django.utils.crypto import salted_hmac  # noqa: E402

SALT = 'django.contrib.sessions.backends.signed_cookies'
BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
SECRET = 'django-insecure-7w$k!q@x3r9#vectors-only-never-deploy-this-key'
OLD_SECRET = 'the SECRET_KEY before rotation, now in SECRET_KEY_FALLBACKS'
NOW = 1767225600  # 2026-01-01T00:00:00Z


class _FixedTime:
    now = NOW

    @classmethod
    def time(cls):
        return cls.now


signing.time = _FixedTime


def django_dumps(session, secret, at=NOW, serializer=signing.JSONSerializer, algorithm=None):
    """The cookie value exactly as the signed_cookies backend writes it, by Django's own code."""
    _FixedTime.now = at
    signer = signing.TimestampSigner(secret, salt=SALT, algorithm=algorithm)
    return signer.sign_object(session, serializer=serializer, compress=True)


def django_loads(value, secret, at=NOW, max_age=1209600):
    _FixedTime.now = at
    return signing.loads(value, key=secret, salt=SALT, max_age=max_age)


def b62(number):
    text = ''
    while True:
        number, digit = divmod(number, 62)
        text = BASE62[digit] + text
        if number == 0:
            return text


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode('ascii')


def independent_dumps(data, secret, at=NOW):
    """Signs JSON bytes as Django 4.1+ does, without Django: salted_hmac's key is SHA-256(salt + "signer" + secret)."""
    compressed = zlib.compress(data)
    payload = '.' + b64(compressed) if len(compressed) < len(data) - 1 else b64(data)
    signed = payload + ':' + b62(at)
    key = hashlib.sha256((SALT + 'signer').encode() + secret.encode('utf-8')).digest()
    return signed + ':' + b64(hmac.new(key, signed.encode('ascii'), hashlib.sha256).digest())


def compact(session):
    return json.dumps(session, separators=(',', ':')).encode('latin-1')


def view(session):
    return json.dumps(session, ensure_ascii=False, separators=(',', ':'))


vectors = []


def verified(name, session, secret=SECRET, at=NOW):
    value = django_dumps(session, secret, at)
    assert value == independent_dumps(compact(session), secret, at), name
    loaded = django_loads(value, secret, at)
    assert loaded == session, name
    vectors.append({
        'name': name,
        'secret': secret,
        'timestamp': at,
        'value': value,
        'compressed': value.startswith('.'),
        'session': view(session),
        'expected': 'Verified',
    })


verified('counter', {'count': 1})
verified('empty', {})
verified('rich', {
    'accents': 'zoë, Ærøskøbing', 'emoji': '😀👍🏽', 'nonBmp': '𐍈𝄞', 'quote': 'say "hi"', 'backslash': 'a\\b',
    'control': '\u0000\u0001\b\f\n\r\t\u001f\u007f', 'separators': '\u2028\u2029', 'html': '<script>&amp;</script>',
    'nested': {'a': {'b': [1, [2, {'c': None}]], 'd': {}}}, 'numbers': [0, -1, 9007199254740992, 1.5, 123456.789, 1e+21],
    'booleans': [True, False], 'nothing': None,
})
verified('escapes', {'name': 'zoë 😀', 'del': '\u007f', 'nl': 'a\nb'})
verified('compressible', {'cart': {'sku-%02d' % i: i for i in range(40)}, 'user': 'ada'})
verified('auth', {
    '_auth_user_id': '42', '_auth_user_backend': 'django.contrib.auth.backends.ModelBackend',
    '_auth_user_hash': 'b2c4d0a0e9b7e4a3c1f6f0f2f5d1d8e3a9b6c5e4f3a2b1c0d9e8f7a6b5c4d3e2', '_session_expiry': 3600,
})
verified('unicode secret', {'count': 2}, secret='clé secrète — ünïcödé 🔑')
verified('an older timestamp', {'count': 3}, at=NOW - 86400 * 13)

# What Django 3.2 cannot sign and 4.1+ reads: a value under an older secret, accepted through SECRET_KEY_FALLBACKS.
fallback = independent_dumps(compact({'count': 4}), OLD_SECRET)
vectors.append({
    'name': 'signed under a fallback secret', 'secret': OLD_SECRET, 'timestamp': NOW, 'value': fallback,
    'compressed': False, 'session': view(django_loads(fallback, OLD_SECRET)), 'expected': 'Verified',
})

# JSON bytes outside ASCII, signed: Django's JSONSerializer decodes them as Latin-1, so 0xE9 reads as U+00E9.
latin1 = independent_dumps(b'{"name":"caf\xe9"}', SECRET)
assert django_loads(latin1, SECRET) == {'name': 'caf\u00e9'}
vectors.append({
    'name': 'latin-1 bytes', 'secret': SECRET, 'timestamp': NOW, 'value': latin1,
    'compressed': False, 'session': view({'name': 'caf\u00e9'}), 'expected': 'Verified',
})


def refused(name, value, expected, secret=SECRET):
    vectors.append({
        'name': name, 'secret': secret, 'timestamp': NOW, 'value': value, 'compressed': value.startswith('.'),
        'session': None, 'expected': expected,
    })


# Django 3.1's DEFAULT_HASHING_ALGORITHM = 'sha1' transition (removed in 4.0): signed with SHA-1, refused.
refused('sha1 transition signature', django_dumps({'count': 5}, SECRET, algorithm='sha1'), 'BadSignature')
refused('pickle serializer', django_dumps({'count': 6}, SECRET, serializer=PickleSerializer), 'NotJsonObject')
refused('a list, not a session', django_dumps([1, 2, 3], SECRET), 'NotJsonObject')
refused('another secret', django_dumps({'count': 7}, 'some other project'), 'BadSignature')

# The _auth_user_hash django.contrib.auth stores at login: salted_hmac of the user's password field (its hash).
AUTH_KEY_SALT = 'django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash'
PASSWORD_FIELD = 'pbkdf2_sha256$260000$vectorsalt$c2FtcGxlIGhhc2ggZm9yIHRoZSB2ZWN0b3JzIG9ubHk='
auth_hash = {
    'secret': SECRET,
    'password': PASSWORD_FIELD,
    'hash': salted_hmac(AUTH_KEY_SALT, PASSWORD_FIELD, secret=SECRET, algorithm='sha256').hexdigest(),
}

json.dump({'salt': SALT, 'vectors': vectors, 'authHash': auth_hash}, sys.stdout, indent=2, ensure_ascii=False)
sys.stdout.write('\n')
