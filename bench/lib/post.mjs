import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** POSTs a JSON payload to 127.0.0.1:port over a shared keep-alive agent; rejects unless the answer is 200. */
export function post(port, path, payload, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers } },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${path}: HTTP ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Closes the kept-alive sockets, so the bench process can exit. */
export function closeConnections() {
  agent.destroy();
}
