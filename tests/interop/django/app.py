"""A minimal Django app keeping its session in Django's signed cookie, on a loopback port printed to stdout.

    python3 app.py [--age=SECONDS] <SECRET_KEY>

Django's own session machinery as a project configures it: SESSION_ENGINE signed_cookies, the JSON serializer,
SessionMiddleware, every other setting at its default (cookie "sessionid", SESSION_COOKIE_AGE two weeks unless
--age is given). The routes are those of the Node peers (tests/interop/server.js):

    GET /get    the session as JSON          POST /set   merge a JSON object into the session
    GET /inc    count += 1                   GET /clear  end the session (flush(): the cookie is deleted)
    GET /touch  read the session only        GET /empty  delete every key

Any request may carry ?clock=SECONDS: Django's signing then reads a clock moved by that many seconds, to sign
cookies in the past or the future and to check their age as if later. The server stops when stdin closes.
"""
import json
import os
import sys
import threading
import time

import django
from django.conf import settings

args = [a for a in sys.argv[1:] if not a.startswith('--')]
options = dict(a[2:].split('=', 1) for a in sys.argv[1:] if a.startswith('--') and '=' in a)
if len(args) != 1:
    sys.stderr.write('usage: python3 app.py [--age=SECONDS] <SECRET_KEY>\n')
    sys.exit(2)

settings.configure(
    DEBUG=False,
    SECRET_KEY=args[0],
    ALLOWED_HOSTS=['127.0.0.1', 'localhost'],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[
        __name__ + '.MovedClockMiddleware',
        'django.contrib.sessions.middleware.SessionMiddleware',
    ],
    SESSION_ENGINE='django.contrib.sessions.backends.signed_cookies',
    SESSION_COOKIE_AGE=int(options.get('age', 1209600)),
    LOGGING_CONFIG=None,
)
django.setup()

from django.core import signing  # noqa: E402  (after settings)
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402

_clock = threading.local()


class _MovedTime:
    """Stands in for the time module inside django.core.signing: the real clock plus this request's offset."""

    @staticmethod
    def time():
        return time.time() + getattr(_clock, 'offset', 0)


signing.time = _MovedTime


def MovedClockMiddleware(get_response):
    def middleware(request):
        _clock.offset = int(request.GET.get('clock', '0'))
        try:
            return get_response(request)
        finally:
            _clock.offset = 0
    return middleware


def _json(value):
    return HttpResponse(json.dumps(value, ensure_ascii=False, separators=(',', ':')), content_type='application/json')


def get(request):
    return _json(dict(request.session.items()))


def touch(request):
    return _json({'touched': len(request.session.keys())})


def inc(request):
    request.session['count'] = request.session.get('count', 0) + 1
    return _json({'count': request.session['count']})


def clear(request):
    request.session.flush()
    return _json({'cleared': True})


def empty(request):
    request.session.clear()
    return _json({})


def set_keys(request):
    for key, value in json.loads(request.body.decode('utf-8')).items():
        request.session[key] = value
    return _json(dict(request.session.items()))


urlpatterns = [
    path('get', get),
    path('touch', touch),
    path('inc', inc),
    path('clear', clear),
    path('empty', empty),
    path('set', set_keys),
]


def _exit_when_stdin_closes():
    sys.stdin.read()
    os._exit(0)


if __name__ == '__main__':
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    server = ThreadedWSGIServer(('127.0.0.1', 0), WSGIRequestHandler)
    server.set_app(WSGIHandler())
    threading.Thread(target=_exit_when_stdin_closes, daemon=True).start()
    print('listening %d' % server.server_port, flush=True)
    server.serve_forever()
