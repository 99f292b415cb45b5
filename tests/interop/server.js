'use strict';
// One Node peer, as its README shows it, on a loopback port printed to stdout.
//   node server.js <peer> <secret> [<older secret> ...]
// Peers: connect-2.11.0, connect-2.30.2 (cookieSession), cookie-session (express + cookie-session@2),
// cookie-parser (express + cookie-parser signed and JSON cookies).
// Session routes, the same on every session peer and on the .NET peer of the tests:
//   GET /get    the session as JSON          POST /set   merge a JSON object into the session
//   GET /inc    count += 1                   GET /clear  end the session (req.session = null)
//   GET /touch  read the session only        GET /empty  delete every key
const http = require('http');

const [peer, ...secrets] = process.argv.slice(2);
if (!peer || secrets.length === 0) {
  console.error('usage: node server.js <peer> <secret> [<older secret> ...]');
  process.exit(2);
}

function readBody(req, callback) {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', chunk => { body += chunk; });
  req.on('end', () => callback(body ? JSON.parse(body) : {}));
}

function sessionView(session) {
  const view = {};
  for (const key of Object.keys(session || {})) {
    if (key !== 'cookie') view[key] = session[key];
  }
  return view;
}

function sessionRoutes(req, res, next) {
  const path = req.url.split('?')[0];
  const json = value => { res.setHeader('Content-Type', 'application/json'); res.end(JSON.stringify(value)); };
  switch (path) {
    case '/get': return json(sessionView(req.session));
    case '/touch': return json({ touched: Object.keys(sessionView(req.session)).length });
    case '/inc':
      req.session.count = (req.session.count || 0) + 1;
      return json({ count: req.session.count });
    case '/clear':
      req.session = null;
      return json({ cleared: true });
    case '/empty':
      for (const key of Object.keys(sessionView(req.session))) delete req.session[key];
      return json({});
    case '/set':
      return readBody(req, body => {
        Object.assign(req.session, body);
        json(sessionView(req.session));
      });
    default:
      return next();
  }
}

function cookieRoutes(req, res) {
  const path = req.url.split('?')[0];
  if (path === '/cookies') {
    res.setHeader('Content-Type', 'application/json');
    return res.end(JSON.stringify({ signed: req.signedCookies, cookies: req.cookies }));
  }
  if (path === '/cookies/set') {
    return readBody(req, body => {
      for (const cookie of body) res.cookie(cookie.name, cookie.value, { signed: cookie.signed });
      res.end('ok');
    });
  }
  res.statusCode = 404;
  res.end();
}

let app;
switch (peer) {
  case 'connect-2.11.0':
  case 'connect-2.30.2': {
    const connect = require(peer);
    app = connect();
    app.use(connect.cookieParser());
    app.use(connect.cookieSession({ secret: secrets[0] }));
    app.use(sessionRoutes);
    break;
  }
  case 'cookie-session': {
    const express = require('express');
    const cookieSession = require('cookie-session');
    app = express();
    app.use(cookieSession({ name: 'session', keys: secrets }));
    app.use(sessionRoutes);
    break;
  }
  case 'cookie-parser': {
    const express = require('express');
    const cookieParser = require('cookie-parser');
    app = express();
    app.use(cookieParser(secrets));
    app.use(cookieRoutes);
    break;
  }
  default:
    console.error('unknown peer ' + peer);
    process.exit(2);
}

const server = http.createServer(app);
server.listen(0, '127.0.0.1', () => {
  console.log('listening ' + server.address().port);
});

// Ends with the test run: when the parent closes stdin, or on a signal.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
