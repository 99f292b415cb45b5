"""The Flask half of the migration demo: the shop as it was before the move, a one-file Flask app (Debian's
python3-flask 2.2) that keeps its session in Flask's own signed cookie: the cookie "session", itsdangerous's
URLSafeTimedSerializer under SECRET_KEY, JSON inside. The ASP.NET Core half reads and writes the same cookie with
CookieSession's Flask format, so both serve the same signed-in user and the same cart behind one origin.

    SESSION_SECRET=... PORT=5082 python3 shop.py

Environment, as the Node app's: SESSION_SECRET (required: the SECRET_KEY both halves sign with), PORT (default 5082;
0 picks a free port), HOST (default 127.0.0.1), EXIT_ON_STDIN_END=1 (exit when standard input closes, and not on
SIGINT). Prints "listening http://HOST:PORT" once it accepts connections; exits with code 3 when Flask cannot be
imported.

Routes: GET / (sign in, the catalog, the cart), POST /signin (name), POST /cart/add (sku), GET /site.css.
Session: {"user": {"name"}, "cart": [{"sku", "name", "price" (cents), "qty"}]}, the Node app's shape.
"""
import json
import logging
import os
import platform
import signal
import sys
import threading

try:
    import flask
    from flask import Flask, redirect, request, session, send_from_directory
    from markupsafe import escape
    from werkzeug.serving import make_server
except ImportError as error:
    sys.stderr.write(f"Flask could not be imported ({error}): on Debian, apt-get install python3-flask\n")
    sys.exit(3)

SECRET = os.environ.get("SESSION_SECRET", "")
if not SECRET:
    sys.stderr.write("SESSION_SECRET is not set: it must be the SECRET_KEY the .NET side signs the session cookie with.\n")
    sys.exit(2)

CATALOG = [
    {"sku": "tea", "name": "Sencha green tea, 100 g", "price": 850},
    {"sku": "mug", "name": "Enamel mug", "price": 1200},
    {"sku": "notebook", "name": "Dot-grid notebook", "price": 900},
    {"sku": "pen", "name": "Fountain pen", "price": 2400},
]
PUBLIC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "public")

# Flask's defaults otherwise: the cookie "session" on path /, HttpOnly, a browser-session cookie.
app = Flask(__name__, static_folder=None)
app.secret_key = SECRET


def user():
    value = session.get("user")
    return value if isinstance(value, dict) and isinstance(value.get("name"), str) else None


@app.get("/")
def index():
    response = flask.make_response(page(shop() if user() else sign_in()))
    response.headers["Cache-Control"] = "no-store"
    return response


@app.post("/signin")
def signin():
    name = request.form.get("name", "").strip()
    if 0 < len(name) <= 100:
        session["user"] = {"name": name}
        session.setdefault("cart", [])
    return redirect("/")


@app.post("/cart/add")
def add():
    product = next((p for p in CATALOG if p["sku"] == request.form.get("sku")), None)
    if user() and product:
        cart = session.get("cart") if isinstance(session.get("cart"), list) else []
        line = next((item for item in cart if item.get("sku") == product["sku"]), None)
        if line:
            line["qty"] += 1
        else:
            cart.append({"sku": product["sku"], "name": product["name"], "price": product["price"], "qty": 1})
        # Assigned, not only changed in place: Flask writes the cookie when a key is set.
        session["cart"] = cart
    return redirect("/")


@app.get("/site.css")
def stylesheet():
    return send_from_directory(PUBLIC, "site.css", mimetype="text/css")


def sign_in():
    return ('<section class="card narrow"><h1>Sign in</h1>'
            '<p>This page is served by the <strong>Flask</strong> app. Sign in here, fill your cart, then open '
            '<a href="/account">your cart</a>: that page is served by <strong>ASP.NET Core</strong>, on the same origin, '
            'from the same cookie.</p>'
            '<form method="post" action="/signin" class="row">'
            '<input name="name" placeholder="Your name" required maxlength="100" autocomplete="off" aria-label="Your name">'
            '<button>Sign in</button></form></section>')


def shop():
    cart = session.get("cart") if isinstance(session.get("cart"), list) else []
    products = "".join(
        f'<li class="product"><span class="name">{escape(p["name"])}</span><span class="price">{money(p["price"])}</span>'
        f'<form method="post" action="/cart/add"><input type="hidden" name="sku" value="{escape(p["sku"])}">'
        f'<button data-testid="add-{escape(p["sku"])}">Add to cart</button></form></li>'
        for p in CATALOG)
    lines = "".join(
        f'<li data-testid="cart-{escape(item["sku"])}"><span>{escape(item["name"])}</span>'
        f'<span class="qty">&times; <span data-testid="qty-{escape(item["sku"])}">{int(item["qty"])}</span></span></li>'
        for item in cart)
    total = sum(item["price"] * item["qty"] for item in cart)
    basket = (f'<ul class="cart" data-testid="cart">{lines}</ul><p class="total">Total <strong>{money(total)}</strong></p>'
              if lines else '<p class="muted" data-testid="cart-empty">Your cart is empty.</p>')
    return ('<div class="columns"><section class="card">'
            f'<h1>Hello, <span data-testid="user">{escape(user()["name"])}</span></h1>'
            '<p class="muted">The catalog is still served by the Flask app.</p>'
            f'<ul class="products">{products}</ul></section>'
            f'<aside class="card"><h2>Your cart</h2>{basket}'
            '<a class="button" href="/account">Change your cart or sign out</a>'
            '<p class="muted small">on the ASP.NET Core side</p></aside></div>')


def page(main):
    who = escape(user()["name"]) if user() else "not signed in"
    return ('<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<title>Tea &amp; Paper: shop (Flask)</title><link rel="stylesheet" href="/site.css"></head>\n<body>\n'
            '<header class="top"><a class="brand" href="/">Tea &amp; Paper</a>'
            '<nav><a href="/" class="current">Shop</a><a href="/account">Your cart</a></nav>'
            f'<span class="who">{who}</span></header>\n'
            f'<div class="served flask" data-testid="served-by">Served by <strong>Flask {escape(flask.__version__)}</strong> '
            f'&middot; Python {escape(platform.python_version())} &middot; session read by Flask&rsquo;s '
            'SecureCookieSessionInterface</div>\n'
            f'<main>{main}</main>\n{session_panel()}</body>\n</html>\n')


def session_panel():
    """What the session holds as this side reads it, and the size of the cookie that carried it (never its value)."""
    raw = raw_cookie(request.headers.get("Cookie", ""), "session")
    cookie = ("No <code>session</code> cookie came with this request: a new session." if raw is None
              else f"Cookie <code>session</code>, {len(raw)} bytes: itsdangerous&rsquo; signed JSON (zlib when shorter), "
                   "a timestamp and an HMAC-SHA1 under the <code>SECRET_KEY</code> both apps share.")
    return ('<section class="session"><h2>The session, as Flask reads it</h2>'
            f'<pre data-testid="session-json">{escape(display_json(dict(session)))}</pre>'
            f'<p class="muted small">{cookie}</p></section>\n')


def display_json(view):
    """One line a key, and one line an element of an array; the ASP.NET Core page writes the same layout."""
    if not view:
        return "{}"

    def compact(value):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def line(key, value):
        if isinstance(value, list) and value:
            return f"  {compact(key)}: [\n" + ",\n".join("    " + compact(e) for e in value) + "\n  ]"
        return f"  {compact(key)}: {compact(value)}"

    return "{\n" + ",\n".join(line(k, v) for k, v in view.items()) + "\n}"


def raw_cookie(header, name):
    """The cookie's value as the browser sent it, before any decoding."""
    for part in header.split(";"):
        pair = part.strip()
        if pair.startswith(name + "="):
            return pair[len(name) + 1:]
    return None


def money(cents):
    return f"${cents / 100:.2f}"


def main():
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    host = os.environ.get("HOST", "127.0.0.1")
    server = make_server(host, int(os.environ.get("PORT", "5082")), app, threaded=True)
    print(f"listening http://{host}:{server.server_port}", flush=True)
    if os.environ.get("EXIT_ON_STDIN_END") == "1":
        # Started by the .NET host, which decides when this process ends: Ctrl+C reaches both, and the host then
        # closes this process's standard input, once it has stopped sending it requests.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        sys.stdin.read()
        server.shutdown()
    else:
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
