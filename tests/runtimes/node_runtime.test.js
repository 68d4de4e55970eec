'use strict';
// Unit tests of evoke's Node.js runtime: handler loading, error shapes, the console line format,
// the HTTP response parser, and the bootstrap process against a small Runtime API written here
// (not evoke: the end-to-end tests drive the real server). Expected strings are aws-lambda-ric's.
// Run: node --test tests/runtimes/

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const { spawn } = require('node:child_process');

const RUNTIME = path.join(__dirname, '..', '..', 'runtimes', 'node');
const { loadHandler, splitHandler } = require(path.join(RUNTIME, 'handler_loader.js'));
const { toRapidResponse, toFormatted } = require(path.join(RUNTIME, 'errors.js'));
const { formatLine } = require(path.join(RUNTIME, 'console_patch.js'));
const { parseResponse } = require(path.join(RUNTIME, 'runtime_client.js'));

function taskRoot(files) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'evoke-node-rt-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  return root;
}

test('handler strings split as aws-lambda-ric does', () => {
  assert.deepEqual(splitHandler('index.handler'), { moduleRoot: '', moduleName: 'index', handlerPath: 'handler' });
  assert.deepEqual(splitHandler('src/fn/app.a.b'), { moduleRoot: 'src/fn/', moduleName: 'app', handlerPath: 'a.b' });
  assert.throws(() => splitHandler('nodot'), { name: 'Runtime.MalformedHandlerName', message: 'Bad handler' });
  assert.throws(() => splitHandler('../up.handler'), {
    name: 'Runtime.MalformedHandlerName',
    message: "'../up.handler' is not a valid handler name. Use absolute paths when specifying root directories in handler names.",
  });
});

test('loads CommonJS, ES modules, .cjs, package type module and nested paths', async () => {
  const root = taskRoot({
    'index.js': 'exports.handler = async () => "cjs"; exports.deep = { fn: () => "deep" };',
    'm.mjs': 'export const handler = async () => "mjs";',
    'c/x.cjs': 'module.exports.h = () => "cjs-ext";',
    'esm/package.json': '{"type":"module"}',
    'esm/app.js': 'export const handler = () => "esm-js";',
  });
  assert.equal(await (await loadHandler(root, 'index.handler'))(), 'cjs');
  assert.equal((await loadHandler(root, 'index.deep.fn'))(), 'deep');
  assert.equal(await (await loadHandler(root, 'm.handler'))(), 'mjs');
  assert.equal((await loadHandler(root, 'c/x.h'))(), 'cjs-ext');
  assert.equal((await loadHandler(root, 'esm/app.handler'))(), 'esm-js');
});

test('load errors carry aws-lambda-ric types and messages', async () => {
  const root = taskRoot({ 'index.js': 'exports.notfn = 5;', 'bad.js': 'exports.handler = (' });
  await assert.rejects(loadHandler(root, 'nomod.handler'), (e) => {
    assert.equal(e.name, 'Runtime.ImportModuleError');
    assert.match(e.message, /^Error: Cannot find module 'nomod'\nRequire stack:/);
    return true;
  });
  await assert.rejects(loadHandler(root, 'index.missing'), { name: 'Runtime.HandlerNotFound', message: 'index.missing is undefined or not exported' });
  await assert.rejects(loadHandler(root, 'index.notfn'), { name: 'Runtime.HandlerNotFound', message: 'index.notfn is not a function' });
  await assert.rejects(loadHandler(root, 'bad.handler'), { name: 'Runtime.UserCodeSyntaxError', message: 'SyntaxError: Unexpected end of input' });
});

test('error shapes', () => {
  const err = new TypeError('boom');
  const rapid = toRapidResponse(err);
  assert.equal(rapid.errorType, 'TypeError');
  assert.equal(rapid.errorMessage, 'boom');
  assert.equal(rapid.trace[0], 'TypeError: boom');
  assert.deepEqual(toRapidResponse('just a string'), { errorType: 'string', errorMessage: 'just a string', trace: [] });
  err.code = 'E1';
  const formatted = toFormatted(err);
  assert.equal(formatted[0], '\t');
  const parsed = JSON.parse(formatted.slice(1));
  assert.equal(parsed.errorType, 'TypeError');
  assert.equal(parsed.errorMessage, 'boom');
  assert.equal(parsed.code, 'E1');
  assert.equal(parsed.stack[0], 'TypeError: boom');
});

test('console line format keeps one event per call', () => {
  assert.equal(formatLine('2024-01-01T00:00:00.000Z', 'rid', 'INFO', 'a %s\nb', ['x']), '2024-01-01T00:00:00.000Z\trid\tINFO\ta x\rb\n');
  assert.equal(formatLine('T', undefined, 'ERROR', 'Invoke Error', ['\t{}']), 'T\tundefined\tERROR\tInvoke Error \t{}\n');
});

test('HTTP responses parse with Content-Length and chunked bodies', () => {
  const whole = Buffer.from('HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: r1\r\nContent-Length: 2\r\n\r\n{}HTTP/1.1');
  const parsed = parseResponse(whole);
  assert.equal(parsed.status, 200);
  assert.equal(parsed.headers['lambda-runtime-aws-request-id'], 'r1');
  assert.equal(parsed.body.toString(), '{}');
  assert.equal(parsed.rest.toString(), 'HTTP/1.1');
  assert.equal(parseResponse(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n{}')), null);
  const chunked = parseResponse(Buffer.from('HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n'));
  assert.equal(chunked.status, 202);
  assert.equal(chunked.body.toString(), 'abcde');
  assert.equal(chunked.rest.length, 0);
});

// --- The bootstrap process against a small Runtime API ----------------------------------------

function fakeRuntimeApi() {
  const events = [];
  const waiting = [];
  const posts = [];
  const postWaiters = [];
  const requests = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers });
      if (req.method === 'GET') {
        const send = ([id, payload]) => {
          res.writeHead(200, {
            'Lambda-Runtime-Aws-Request-Id': id,
            'Lambda-Runtime-Deadline-Ms': String(Date.now() + 30000),
            'Lambda-Runtime-Invoked-Function-Arn': 'arn:aws:lambda:us-east-1:000000000000:function:fn',
            'Content-Type': 'application/json',
          });
          res.end(payload);
        };
        if (events.length) {
          send(events.shift());
        } else {
          // A runtime killed while parked on /next must not swallow the next event.
          waiting.push(send);
          res.on('close', () => {
            const at = waiting.indexOf(send);
            if (at >= 0) waiting.splice(at, 1);
          });
        }
        return;
      }
      res.writeHead(202, { 'Content-Type': 'application/json' });
      res.end('{"status":"OK"}');
      const post = { url: req.url, headers: req.headers, body };
      if (postWaiters.length) postWaiters.shift()(post); else posts.push(post);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    address: `127.0.0.1:${server.address().port}`,
    requests,
    invoke(id, event) {
      const item = [id, JSON.stringify(event)];
      if (waiting.length) waiting.shift()(item); else events.push(item);
      return this.nextPost();
    },
    nextPost() {
      return posts.length ? Promise.resolve(posts.shift()) : new Promise((r) => postWaiters.push(r));
    },
    close() { server.closeAllConnections(); server.close(); },
  })));
}

function startBootstrap(api, root, handler) {
  const child = spawn(process.execPath, [path.join(RUNTIME, 'bootstrap.js')], {
    cwd: root,
    env: { ...process.env, AWS_LAMBDA_RUNTIME_API: api.address, _HANDLER: handler, LAMBDA_TASK_ROOT: root, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.output = '';
  child.stdout.on('data', (c) => { child.output += c; });
  child.exited = new Promise((r) => child.on('exit', (code) => r(code)));
  return child;
}

const HANDLERS = `
exports.ok = async (event, context) => {
  console.log('got', event.n);
  return { n: event.n, id: context.awsRequestId, mem: context.memoryLimitInMB, left: context.getRemainingTimeInMillis() > 0, arn: context.invokedFunctionArn };
};
exports.fails = async () => { throw new RangeError('bad range'); };
exports.cb = (event, context, callback) => {
  setTimeout(() => console.log('timer done'), 30);
  if (event.nowait) context.callbackWaitsForEmptyEventLoop = false;
  callback(null, 'cb-result');
};
exports.legacy = (event, context) => { context.succeed({ legacy: true }); };
exports.circular = async () => { const o = {}; o.o = o; return o; };
`;

test('bootstrap: async handler, errors, callbacks, legacy succeed', async () => {
  // A fresh Runtime API per bootstrap: a killed one's late requests cannot touch the next.
  let api = await fakeRuntimeApi();
  const root = taskRoot({ 'index.js': HANDLERS });
  const child = startBootstrap(api, root, 'index.ok');
  try {
    const post = await api.invoke('req-1', { n: 7 });
    assert.equal(post.url, '/2018-06-01/runtime/invocation/req-1/response');
    assert.deepEqual(JSON.parse(post.body), { n: 7, id: 'req-1', mem: '128', left: true, arn: 'arn:aws:lambda:us-east-1:000000000000:function:fn' });
    const second = await api.invoke('req-2', { n: 8 });
    assert.equal(JSON.parse(second.body).n, 8);
    assert.match(child.output, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\treq-1\tINFO\tgot 7\n/);
  } finally {
    child.kill();
    await child.exited;
  }

  api.close();
  api = await fakeRuntimeApi();
  const failing = startBootstrap(api, root, 'index.fails');
  try {
    const post = await api.invoke('req-3', {});
    assert.equal(post.url, '/2018-06-01/runtime/invocation/req-3/error');
    assert.equal(post.headers['lambda-runtime-function-error-type'], 'RangeError');
    const body = JSON.parse(post.body);
    assert.equal(body.errorType, 'RangeError');
    assert.equal(body.errorMessage, 'bad range');
    assert.equal(body.trace[0], 'RangeError: bad range');
    assert.match(failing.output, /\treq-3\tERROR\tInvoke Error \t\{"errorType":"RangeError","errorMessage":"bad range"/);
  } finally {
    failing.kill();
    await failing.exited;
  }

  api.close();
  api = await fakeRuntimeApi();
  const cb = startBootstrap(api, root, 'index.cb');
  try {
    const waited = await api.invoke('req-4', {});
    assert.equal(waited.body, '"cb-result"');
    assert.match(cb.output, /\treq-4\tINFO\ttimer done\n/, 'the response waited for the empty event loop');
    const before = cb.output;
    const early = await api.invoke('req-5', { nowait: true });
    assert.equal(early.body, '"cb-result"');
    assert.ok(!before.includes('req-5') && !cb.output.includes('req-5\tINFO\ttimer done'), 'callbackWaitsForEmptyEventLoop=false answers at once');
  } finally {
    cb.kill();
    await cb.exited;
  }

  api.close();
  api = await fakeRuntimeApi();
  const legacy = startBootstrap(api, root, 'index.legacy');
  try {
    assert.equal((await api.invoke('req-6', {})).body, '{"legacy":true}');
  } finally {
    legacy.kill();
    await legacy.exited;
  }

  api.close();
  api = await fakeRuntimeApi();
  const circular = startBootstrap(api, root, 'index.circular');
  try {
    const post = await api.invoke('req-7', {});
    assert.ok(post.url.endsWith('/req-7/error'));
    assert.equal(JSON.parse(post.body).errorMessage, 'Unable to stringify response body');
  } finally {
    circular.kill();
    await circular.exited;
  }
  api.close();
});

test('bootstrap: init error is posted, then the process exits 129', async () => {
  const api = await fakeRuntimeApi();
  const root = taskRoot({ 'index.js': 'exports.x = 1;' });
  const child = startBootstrap(api, root, 'index.handler');
  const post = await api.nextPost();
  assert.equal(post.url, '/2018-06-01/runtime/init/error');
  assert.equal(post.headers['lambda-runtime-function-error-type'], 'Runtime.HandlerNotFound');
  assert.equal(JSON.parse(post.body).errorMessage, 'index.handler is undefined or not exported');
  assert.equal(await child.exited, 129);
  assert.match(child.output, /\tundefined\tERROR\tUncaught Exception \t\{"errorType":"Runtime.HandlerNotFound"/);
  assert.ok(!api.requests.some((r) => r.url.endsWith('/next')));
  api.close();
});
