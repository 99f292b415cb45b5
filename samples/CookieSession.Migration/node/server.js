'use strict';
// The Node half of the migration demo: the shop as it was before the move, an Express 3 app that keeps its session
// in Connect's signed cookie (connect.sess = "s:" + sign("j:" + JSON, secret), from express.cookieSession(), which
// is connect 2.30.2's cookieSession). The ASP.NET Core half reads and writes the same cookie with CookieSession's
// Connect format, so both serve the same signed-in user and the same cart behind one origin.
//
//   SESSION_SECRET=... PORT=5082 node server.js
//
// Environment: SESSION_SECRET (required: the secret both halves sign with), PORT (default 5082; 0 picks a free
// port), HOST (default 127.0.0.1: only the front door should reach it), EXIT_ON_STDIN_END=1 (exit when standard
// input closes, and not on SIGINT: set by the .NET host that starts this process, so that it never outlives the host).
// Prints "listening http://HOST:PORT" once it accepts connections.
//
// Routes: GET / (sign in, the catalog, the cart), POST /signin (name), POST /cart/add (sku), GET /site.css.
// Session: { user: { name }, cart: [{ sku, name, price (cents), qty }] }; the .NET side reads the same shape.
var path = require('path');
var express = require('express');

var secret = process.env.SESSION_SECRET;
if (!secret) {
  console.error('SESSION_SECRET is not set: it must be the secret the .NET side signs the session cookie with.');
  process.exit(2);
}

var host = process.env.HOST || '127.0.0.1';
var port = Number(process.env.PORT || 5082);
var expressVersion = require('express/package.json').version;

var catalog = [
  { sku: 'tea', name: 'Sencha green tea, 100 g', price: 850 },
  { sku: 'mug', name: 'Enamel mug', price: 1200 },
  { sku: 'notebook', name: 'Dot-grid notebook', price: 900 },
  { sku: 'pen', name: 'Fountain pen', price: 2400 }
];

var app = express();
app.disable('x-powered-by');
// Behind the front door: trust X-Forwarded-* from loopback only.
app.set('trust proxy', 'loopback');
// The stylesheet every old app of the demo serves, one folder up.
app.use(express.static(path.join(__dirname, '..', 'public')));
app.use(express.cookieParser());
// Connect's defaults, spelled out: the cookie connect.sess on path /, HttpOnly, a browser-session cookie.
app.use(express.cookieSession({ key: 'connect.sess', secret: secret, cookie: { path: '/', httpOnly: true } }));
app.use(express.urlencoded());

app.get('/', function (req, res) {
  res.set('Cache-Control', 'no-store');
  res.send(page(req, req.session.user ? shop(req.session) : signIn()));
});

app.post('/signin', function (req, res) {
  var name = String((req.body && req.body.name) || '').trim();
  if (name.length > 0 && name.length <= 100) {
    req.session.user = { name: name };
    req.session.cart = req.session.cart || [];
  }
  res.redirect('/');
});

app.post('/cart/add', function (req, res) {
  var product = catalog.filter(function (p) { return p.sku === (req.body && req.body.sku); })[0];
  if (req.session.user && product) {
    var cart = Array.isArray(req.session.cart) ? req.session.cart : [];
    var line = cart.filter(function (item) { return item.sku === product.sku; })[0];
    if (line) {
      line.qty += 1;
    } else {
      cart.push({ sku: product.sku, name: product.name, price: product.price, qty: 1 });
    }
    req.session.cart = cart;
  }
  res.redirect('/');
});

function signIn() {
  return '<section class="card narrow">' +
    '<h1>Sign in</h1>' +
    '<p>This page is served by the <strong>Node</strong> app. Sign in here, fill your cart, then open ' +
    '<a href="/account">your cart</a>: that page is served by <strong>ASP.NET Core</strong>, on the same origin, ' +
    'from the same cookie.</p>' +
    '<form method="post" action="/signin" class="row">' +
    '<input name="name" placeholder="Your name" required maxlength="100" autocomplete="off" aria-label="Your name">' +
    '<button>Sign in</button>' +
    '</form>' +
    '</section>';
}

function shop(session) {
  var cart = Array.isArray(session.cart) ? session.cart : [];
  var products = catalog.map(function (p) {
    return '<li class="product">' +
      '<span class="name">' + escapeHtml(p.name) + '</span>' +
      '<span class="price">' + money(p.price) + '</span>' +
      '<form method="post" action="/cart/add"><input type="hidden" name="sku" value="' + escapeHtml(p.sku) + '">' +
      '<button data-testid="add-' + escapeHtml(p.sku) + '">Add to cart</button></form>' +
      '</li>';
  }).join('');
  var lines = cart.map(function (item) {
    return '<li data-testid="cart-' + escapeHtml(item.sku) + '"><span>' + escapeHtml(item.name) + '</span>' +
      '<span class="qty">&times; <span data-testid="qty-' + escapeHtml(item.sku) + '">' + Number(item.qty) + '</span></span></li>';
  }).join('');
  var total = cart.reduce(function (sum, item) { return sum + item.price * item.qty; }, 0);
  return '<div class="columns">' +
    '<section class="card">' +
    '<h1>Hello, <span data-testid="user">' + escapeHtml(session.user.name) + '</span></h1>' +
    '<p class="muted">The catalog is still served by the Node app.</p>' +
    '<ul class="products">' + products + '</ul>' +
    '</section>' +
    '<aside class="card">' +
    '<h2>Your cart</h2>' +
    (lines ? '<ul class="cart" data-testid="cart">' + lines + '</ul><p class="total">Total <strong>' + money(total) + '</strong></p>'
      : '<p class="muted" data-testid="cart-empty">Your cart is empty.</p>') +
    '<a class="button" href="/account">Change your cart or sign out</a>' +
    '<p class="muted small">on the ASP.NET Core side</p>' +
    '</aside>' +
    '</div>';
}

function page(req, main) {
  var user = req.session && req.session.user;
  return '<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<title>Tea &amp; Paper: shop (Node)</title><link rel="stylesheet" href="/site.css"></head>\n<body>\n' +
    '<header class="top"><a class="brand" href="/">Tea &amp; Paper</a>' +
    '<nav><a href="/" class="current">Shop</a><a href="/account">Your cart</a></nav>' +
    '<span class="who">' + (user ? escapeHtml(user.name) : 'not signed in') + '</span></header>\n' +
    '<div class="served node" data-testid="served-by">Served by <strong>Node.js ' + escapeHtml(process.version) +
    '</strong> &middot; Express ' + escapeHtml(expressVersion) + ' &middot; connect.sess read by connect 2.30.2&rsquo;s cookieSession</div>\n' +
    '<main>' + main + '</main>\n' +
    sessionPanel(req) +
    '</body>\n</html>\n';
}

// What the session holds as this side reads it, and the size of the cookie that carried it (never its value).
function sessionPanel(req) {
  var view = {};
  Object.keys(req.session || {}).forEach(function (key) { if (key !== 'cookie') view[key] = req.session[key]; });
  var raw = rawCookie(req.headers.cookie, 'connect.sess');
  return '<section class="session"><h2>The session, as Node reads it</h2>' +
    '<pre data-testid="session-json">' + escapeHtml(displayJson(view)) + '</pre>' +
    '<p class="muted small">' + (raw === undefined
      ? 'No <code>connect.sess</code> cookie came with this request: a new session.'
      : 'Cookie <code>connect.sess</code>, ' + raw.length + ' bytes: Connect&rsquo;s format, <code>s:j:</code> + JSON + HMAC-SHA256, ' +
        'signed with the secret both apps share.') + '</p></section>\n';
}

// One line a key, and one line an element of an array; the ASP.NET Core page writes the same layout.
function displayJson(view) {
  var keys = Object.keys(view);
  if (keys.length === 0) return '{}';
  return '{\n' + keys.map(function (key) {
    var value = view[key];
    var text = Array.isArray(value) && value.length > 0
      ? '[\n' + value.map(function (element) { return '    ' + JSON.stringify(element); }).join(',\n') + '\n  ]'
      : JSON.stringify(value);
    return '  ' + JSON.stringify(key) + ': ' + text;
  }).join(',\n') + '\n}';
}

function rawCookie(header, name) {
  var parts = String(header || '').split(';');
  for (var i = 0; i < parts.length; i++) {
    var pair = parts[i].trim();
    if (pair.indexOf(name + '=') === 0) return pair.slice(name.length + 1);
  }
  return undefined;
}

function money(cents) {
  return '$' + (cents / 100).toFixed(2);
}

function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, function (c) {
    return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
  });
}

var server = app.listen(port, host, function () {
  console.log('listening http://' + host + ':' + server.address().port);
});

if (process.env.EXIT_ON_STDIN_END === '1') {
  // Started by the .NET host, which decides when this process ends: Ctrl+C in a terminal reaches both, and the host
  // then closes this process's standard input, once it has stopped sending it requests.
  process.on('SIGINT', function () {});
  process.stdin.on('end', function () { process.exit(0); });
  process.stdin.on('error', function () { process.exit(0); });
  process.stdin.resume();
}
