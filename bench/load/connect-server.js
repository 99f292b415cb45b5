'use strict';
// The connect@2.11.0 server of bench/load/run.sh (packages from tests/interop): the same session and the
// same read-only and read-modify-write handlers as the .NET load server.
//   node connect-server.js <port>
const path = require('path');
const connect = require(path.join(__dirname, '..', '..', 'tests', 'interop', 'node_modules', 'connect-2.11.0'));

const app = connect();
app.use(connect.cookieParser());
app.use(connect.cookieSession({ secret: 'a benchmark secret that is 32+ bytes long' }));
app.use(function (req, res) {
  switch (req.url) {
    case '/seed':
      req.session.userId = '7f1c2a9e-4b3d-4c8e-9a61-0d5e2f7b8c34';
      req.session.name = 'Ada Lovelace';
      req.session.roles = ['admin', 'editor', 'viewer'];
      req.session.counter = 41;
      req.session.csrf = 'kW3p9sQ2vX7yZ1aB4cD6eF8gH0iJ2kL4mN6oP8qR0sT';
      return res.end('seeded');
    case '/ro':
      return res.end(req.session.name || 'missing');
    case '/rmw':
      req.session.counter = (req.session.counter || 0) + 1;
      return res.end(String(req.session.counter));
    default:
      res.statusCode = 404;
      return res.end();
  }
});

// Connect 2.x writes a deprecation warning per response on current Node; keep the console out of the measurement.
process.removeAllListeners('warning');
process.noDeprecation = true;
app.listen(Number(process.argv[2] || 5081), '127.0.0.1', () => console.log('listening'));
