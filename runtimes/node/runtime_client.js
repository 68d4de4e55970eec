'use strict';
// A minimal HTTP/1.1 client for the sandbox's Runtime API: one keep-alive TCP connection, one
// request at a time. Node's http module would work (aws-lambda-ric uses it with a keep-alive
// agent), but a raw socket costs less per invoke and less at start-up. The socket is unref'd
// while idle so that an otherwise empty event loop can end, which is what the callback
// contract (callbackWaitsForEmptyEventLoop) relies on.

const net = require('net');

const PREFIX = '/2018-06-01/runtime/';

class RuntimeClient {
  constructor(address) {
    const colon = address.lastIndexOf(':');
    this.host = address.slice(0, colon).replace(/^\[|\]$/g, '');
    this.port = parseInt(address.slice(colon + 1), 10);
    this.hostHeader = address;
    this.socket = null;
    this.pending = null;
    this.buffer = null;
  }

  _connect() {
    const socket = net.connect({ host: this.host, port: this.port });
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this._onData(chunk));
    socket.on('error', (err) => this._onEnd(socket, err));
    socket.on('close', () => this._onEnd(socket, null));
    this.socket = socket;
    this.buffer = null;
    return socket;
  }

  _onEnd(socket, err) {
    if (this.socket !== socket) return;
    this.socket = null;
    const pending = this.pending;
    if (!pending) return;
    this.pending = null;
    if (pending.reused && !pending.gotBytes) {
      // The server closed a kept-alive connection before answering: send again once.
      this._send(pending.message, pending.resolve, pending.reject, false, pending.method);
    } else {
      pending.reject(err || new Error('Runtime API closed the connection'));
    }
  }

  /** Resolves to {status, headers (lower-case names), body (Buffer)}. */
  request(method, path, headers, body) {
    let head = `${method} ${path} HTTP/1.1\r\nHost: ${this.hostHeader}\r\nUser-Agent: evoke-lambda-nodejs/${process.version}\r\n`;
    for (const name in headers) head += `${name}: ${headers[name]}\r\n`;
    let message;
    if (body !== undefined) {
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      head += `Content-Length: ${bytes.length}\r\n\r\n`;
      message = Buffer.concat([Buffer.from(head, 'latin1'), bytes]);
    } else {
      message = Buffer.from(head + '\r\n', 'latin1');
    }
    return new Promise((resolve, reject) => this._send(message, resolve, reject, true, method));
  }

  _send(message, resolve, reject, mayRetry, method) {
    const reused = mayRetry && this.socket !== null;
    const socket = this.socket || this._connect();
    socket.ref();
    this.pending = { message, resolve, reject, reused, gotBytes: false, method };
    socket.write(message);
  }

  _onData(chunk) {
    const pending = this.pending;
    if (!pending) return; // nothing asked: ignore stray bytes
    pending.gotBytes = true;
    this.buffer = this.buffer ? Buffer.concat([this.buffer, chunk]) : chunk;
    const response = parseResponse(this.buffer);
    if (!response) return;
    this.buffer = response.rest.length ? response.rest : null;
    this.pending = null;
    if (response.close) {
      this.socket.destroy();
      this.socket = null;
    } else {
      this.socket.unref();
    }
    pending.resolve(response);
  }

  async nextInvocation() {
    const res = await this.request('GET', PREFIX + 'invocation/next', {});
    if (res.status !== 200) {
      throw new Error(`Request to Lambda Runtime 'next' endpoint failed. Reason: '${res.status}'. Response body: '${res.body}'`);
    }
    return res;
  }

  postInvocationResponse(id, body) {
    return this._post(`${PREFIX}invocation/${encodeURIComponent(id)}/response`, body, { 'Content-Type': 'application/json' });
  }

  postInvocationError(id, errorResponse) {
    return this._post(`${PREFIX}invocation/${encodeURIComponent(id)}/error`, JSON.stringify(errorResponse), errorHeaders(errorResponse));
  }

  postInitError(errorResponse) {
    return this._post(`${PREFIX}init/error`, JSON.stringify(errorResponse), errorHeaders(errorResponse));
  }

  async _post(path, body, headers) {
    const res = await this.request('POST', path, headers, body);
    if (res.status !== 202) {
      process.stderr.write(`Request to Lambda Runtime '${path}' failed. Reason: '${res.status}'. Response body: '${res.body}'\n`);
    }
    return res;
  }
}

function errorHeaders(errorResponse) {
  return {
    'Content-Type': 'application/json',
    'Lambda-Runtime-Function-Error-Type': String(errorResponse.errorType).replace(/[^\x20-\x7e]/g, ''),
  };
}

/** Parses one HTTP response at the start of buf; null while incomplete. */
function parseResponse(buf) {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const lines = buf.toString('latin1', 0, end).split('\r\n');
  const status = parseInt(lines[0].split(' ')[1], 10);
  const headers = {};
  for (let i = 1; i < lines.length; i++) {
    const colon = lines[i].indexOf(':');
    if (colon > 0) headers[lines[i].slice(0, colon).trim().toLowerCase()] = lines[i].slice(colon + 1).trim();
  }
  const start = end + 4;
  let body;
  let rest;
  if (status === 204 || status === 304 || (status >= 100 && status < 200)) {
    body = buf.subarray(start, start);
    rest = buf.subarray(start);
  } else if (headers['content-length'] !== undefined) {
    const length = parseInt(headers['content-length'], 10);
    if (buf.length < start + length) return null;
    body = buf.subarray(start, start + length);
    rest = buf.subarray(start + length);
  } else if ((headers['transfer-encoding'] || '').toLowerCase() === 'chunked') {
    const parts = [];
    let at = start;
    for (;;) {
      const lineEnd = buf.indexOf('\r\n', at);
      if (lineEnd < 0) return null;
      const size = parseInt(buf.toString('latin1', at, lineEnd).split(';')[0], 16);
      if (size === 0) {
        const trailerEnd = buf.indexOf('\r\n', lineEnd + 2);
        if (trailerEnd < 0) return null;
        // Skip trailers (rare) up to the blank line.
        let t = lineEnd + 2;
        while (buf.indexOf('\r\n', t) !== t) {
          const next = buf.indexOf('\r\n', t);
          if (next < 0) return null;
          t = next + 2;
        }
        rest = buf.subarray(t + 2);
        break;
      }
      if (buf.length < lineEnd + 2 + size + 2) return null;
      parts.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
    body = Buffer.concat(parts);
  } else {
    return null; // body until close: not used by Runtime API servers
  }
  const close = (headers.connection || '').toLowerCase() === 'close';
  return { status, headers, body, rest, close };
}

module.exports = { RuntimeClient, parseResponse };
