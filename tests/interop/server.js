'use strict';
// One Node peer, as its README shows it, on a loopback port printed to stdout.
//   node server.js <peer> <secret> [<older secret> ...]
// Peers: connect-2.11.0, connect-2.30.2 (cookieSession), cookie-session (express + cookie-session@2),
// cookie-parser (express + cookie-parser signed and JSON cookies), iron9 and iron8 (iron-session@9 and @8 on
// plain Node http; their options are described at ironOptions below).
// Session routes, the same on every session peer and on the .NET peer of the tests:
//   GET /get    the session as JSON          POST /set   merge a JSON object into the session
//   GET /inc    count += 1                   GET /clear  end the session (req.session = null, destroy())
//   GET /touch  read the session only        GET /empty  delete every key
// The iron peers add the seal itself (see ironRoutes): POST /seal, /unseal (iron-session's sealData and
// unsealData) and POST /iron/seal, /iron/unseal (iron-webcrypto's seal and unseal, the copy that iron-session uses).
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

// ---- iron-session ----------------------------------------------------------------------------------------------
//   node server.js iron9|iron8 [--cookie-name=NAME] [--ttl=SECONDS] [--chunk] [--cookie-options=JSON] [--]
//                              <password> [<older password> ...]
// One password is a string password, which iron-session seals with id "1". Several are numbered from the
// newest down to 1: `new old` is { 2: new, 1: old }, and the highest id seals. A password argument that is a
// JSON object is the password map itself, ids and all: '{"2":"new ..."}'. The options are iron-session's own,
// passed to getIronSession on every request as an app does; the defaults are iron-session's, with the cookie
// name "iron-session". In --cookie-options a null stands for undefined (JSON has none): '{"maxAge":null}' is
// iron-session's session-cookie mode (no Max-Age, ttl 0). iron8 has no `chunk` option and ignores --chunk.
//
// On every iron route a request header X-Iron-Now: <ms since the epoch> is the clock that iron-webcrypto reads
// to stamp and to check expirations (Date.now() for the duration of the synchronous call that reads it), so that
// expired seals can be made and checked without waiting. iron9 answers X-Iron-Unseal-Error: expired | invalid |
// unknown-password when it could not read the cookie or seal it was given (its onUnsealError). An error an
// iron-session call throws is a 500 with {"error": message}, as the app's framework would make it.
function ironOptions(args) {
  const options = { cookieName: 'iron-session' };
  const passwords = [];
  let flags = true;
  for (const arg of args) {
    if (flags && arg === '--') { flags = false; continue; }
    const flag = flags && /^--([a-z-]+)(?:=([\s\S]*))?$/.exec(arg);
    if (!flag) { passwords.push(arg); continue; }
    const [, name, value] = flag;
    switch (name) {
      case 'cookie-name': options.cookieName = value; break;
      case 'ttl': options.ttl = Number(value); break;
      case 'chunk': options.chunk = value === undefined || value === 'true'; break;
      case 'cookie-options':
        options.cookieOptions = JSON.parse(value);
        for (const [key, v] of Object.entries(options.cookieOptions)) if (v === null) options.cookieOptions[key] = undefined;
        if (typeof options.cookieOptions.expires === 'string') options.cookieOptions.expires = new Date(options.cookieOptions.expires);
        break;
      default:
        console.error('unknown option --' + name);
        process.exit(2);
    }
  }
  if (passwords.length === 1) {
    options.password = passwords[0].startsWith('{') ? JSON.parse(passwords[0]) : passwords[0];
  } else {
    options.password = {};
    passwords.forEach((password, index) => { options.password[passwords.length - index] = password; });
  }
  return options;
}

// The directory and manifest of the package that `from` resolves as `name`.
function packageOf(name, from) {
  const { createRequire } = require('module');
  const fs = require('fs');
  const path = require('path');
  let dir = path.dirname(createRequire(from).resolve(name));
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return { dir, manifest: JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) };
}

// The copy of a dependency that a package itself resolves (iron-session@8 has its own iron-webcrypto@1), as the
// ES module it imports.
async function importDependencyOf(pkg, dependency) {
  const { pathToFileURL } = require('url');
  const path = require('path');
  const { dir, manifest } = packageOf(dependency, require.resolve(pkg));
  const exported = manifest.exports && (manifest.exports['.'] || manifest.exports);
  const entry = typeof exported === 'string' ? exported : (exported && (exported.import || exported.default)) || manifest.module || manifest.main;
  return { version: manifest.version, module: await import(pathToFileURL(path.join(dir, entry)).href) };
}

// Runs fn with Date.now() answering `now`. iron-webcrypto reads the clock synchronously at the start of seal and
// unseal, and iron-session reaches them synchronously from getIronSession, save, sealData and unsealData.
function atTime(now, fn) {
  if (now === undefined || now === null || now === '') return fn();
  const realNow = Date.now;
  Date.now = () => Number(now);
  try {
    return fn();
  } finally {
    Date.now = realNow;
  }
}

async function ironApp(peer, args) {
  const pkg = peer === 'iron9' ? 'iron-session-9' : 'iron-session-8';
  const ironSession = await import(pkg);
  const iron = await importDependencyOf(pkg, 'iron-webcrypto');
  // iron-webcrypto@1 takes the WebCrypto implementation as a first argument; @2 uses globalThis.crypto.
  const ironCrypto = iron.version.startsWith('1.') ? [require('crypto').webcrypto] : [];
  const options = ironOptions(args);
  const passwordMap = typeof options.password === 'string' ? { 1: options.password } : options.password;
  const newestId = String(Math.max(...Object.keys(passwordMap).map(Number)));

  return (req, res) => {
    const path = req.url.split('?')[0];
    const now = req.headers['x-iron-now'];
    let reason;
    const onUnsealError = peer === 'iron9' ? r => { reason = r; } : undefined;
    const json = (value, status) => {
      if (reason) res.setHeader('X-Iron-Unseal-Error', reason);
      res.statusCode = status || 200;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(value));
    };
    const body = () => new Promise(resolve => readBody(req, resolve));
    const session = () => atTime(now, () => ironSession.getIronSession(req, res, { ...options, onUnsealError }));
    const save = s => atTime(now, () => s.save());

    const route = async () => {
      switch (path) {
        case '/get': return json({ ...(await session()) });
        case '/touch': return json({ touched: Object.keys(await session()).length });
        case '/inc': {
          const s = await session();
          s.count = (s.count || 0) + 1;
          await save(s);
          return json({ count: s.count });
        }
        case '/clear': {
          const s = await session();
          s.destroy();
          return json({ cleared: true });
        }
        case '/empty': {
          const s = await session();
          for (const key of Object.keys(s)) delete s[key];
          await save(s);
          return json({});
        }
        case '/set': {
          const s = await session();
          Object.assign(s, await body());
          await save(s);
          return json({ ...s });
        }
        // {"data": any, "ttl"?: seconds, "password"?: string | {id: password}} -> {"seal": "Fe26.2*...~2"}
        case '/seal': {
          const b = await body();
          const seal = await atTime(now, () => ironSession.sealData(b.data, { password: b.password ?? options.password, ttl: b.ttl ?? options.ttl }));
          return json({ seal });
        }
        // {"seal": string, "ttl"?: seconds, "password"?: ...} -> {"data": what unsealData gives ({} when unreadable)}
        case '/unseal': {
          const b = await body();
          const data = await atTime(now, () => ironSession.unsealData(b.seal, { password: b.password ?? options.password, ttl: b.ttl ?? options.ttl, onUnsealError }));
          return json({ data });
        }
        // iron-webcrypto's seal with its defaults, no "~2":
        // {"data": any, "password"?: string | {"id", "secret"}, "ttl"?: ms (default 0, no expiration),
        //  "encryptionSalt"?: string, "hmacSalt"?: string, "iv"?: base64url of 16 bytes} -> {"seal": "Fe26.2*..."}
        // The password defaults to the peer's newest, with its id. Salts and IV default to random ones.
        case '/iron/seal': {
          const b = await body();
          const password = b.password ?? { id: newestId, secret: passwordMap[newestId] };
          const sealOptions = {
            ...iron.module.defaults,
            ttl: b.ttl ?? 0,
            encryption: { ...iron.module.defaults.encryption, ...(b.encryptionSalt ? { salt: b.encryptionSalt } : {}), ...(b.iv ? { iv: Buffer.from(b.iv, 'base64url') } : {}) },
            integrity: { ...iron.module.defaults.integrity, ...(b.hmacSalt ? { salt: b.hmacSalt } : {}) },
          };
          const seal = await atTime(now, () => iron.module.seal(...ironCrypto, b.data, password, sealOptions));
          return json({ seal });
        }
        // {"seal": "Fe26.2*...", "password"?: string | {id: password}} -> {"data": any} or {"error": message}:
        // iron-webcrypto's own verdict, before iron-session turns it into an empty session. The password defaults
        // to the peer's as iron-session passes it: always a map, a string password being { 1: password }.
        case '/iron/unseal': {
          const b = await body();
          try {
            const data = await atTime(now, () => iron.module.unseal(...ironCrypto, b.seal, b.password ?? passwordMap, iron.module.defaults));
            return json({ data });
          } catch (error) {
            return json({ error: error.message });
          }
        }
        case '/versions':
          return json({ 'iron-session': packageOf(pkg, __filename).manifest.version, 'iron-webcrypto': iron.version });
        default:
          res.statusCode = 404;
          return res.end();
      }
    };

    route().catch(error => {
      console.error(peer + ' ' + req.url + ': ' + (error && error.stack || error));
      if (res.headersSent) return res.end();
      res.removeHeader('Set-Cookie');
      json({ error: error && error.message }, 500);
    });
  };
}

async function main() {
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
    case 'iron9':
    case 'iron8':
      app = await ironApp(peer, secrets);
      break;
    default:
      console.error('unknown peer ' + peer);
      process.exit(2);
  }

  const server = http.createServer(app);
  server.listen(0, '127.0.0.1', () => {
    console.log('listening ' + server.address().port);
  });
}

main().catch(error => {
  console.error(error && error.stack || error);
  process.exit(1);
});

// Ends with the test run: when the parent closes stdin, or on a signal.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
