// Starts dynalite on loopback with an ephemeral port and prints "DYNALITE_PORT=<port>" once listening.
// dynalite's own CLI cannot pick a free port (--port 0), so we call its API. Table operations
// complete at once (createTableMs 0) so SDK waiters do not stall. Exits when stdin closes, so a
// parent that dies without cleaning up still takes this process down with it.
'use strict';
const dynalite = require('dynalite');

const port = Number(process.env.DYNALITE_PORT || 0);
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });

server.listen(port, '127.0.0.1', (err) => {
  if (err) {
    console.error('dynalite failed to listen: ' + err.message);
    process.exit(1);
  }
  console.log('DYNALITE_PORT=' + server.address().port);
});

function stop() {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
if (process.env.DYNALITE_EXIT_ON_STDIN_CLOSE !== 'false') {
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
}
