'use strict';
// evoke's Node.js Lambda runtime. Run as `node $LAMBDA_RUNTIME_DIR/node/bootstrap.js` with the
// Lambda environment (AWS_LAMBDA_RUNTIME_API, _HANDLER, LAMBDA_TASK_ROOT, ...).
//
// Behaviour follows AWS's runtime interface client (aws-lambda-ric): handler loading, the
// context object with the legacy succeed/fail/done, callback handlers whose response waits for
// an empty event loop unless context.callbackWaitsForEmptyEventLoop is false, async handlers,
// error shapes and console format.

const { RuntimeClient } = require('./runtime_client');
const { patchConsole, setRequestId, logError } = require('./console_patch');
const { toRapidResponse, UnhandledPromiseRejection } = require('./errors');
const { loadHandler } = require('./handler_loader');

// The 'beforeExit' listener: what to do when the event loop runs empty during an invoke.
let onEmptyEventLoop = () => {};

function serialize(result) {
  try {
    return JSON.stringify(result === undefined ? null : result);
  } catch (_) {
    throw new Error('Unable to stringify response body');
  }
}

class Runtime {
  constructor(client, handler) {
    this.client = client;
    this.handler = handler;
    // Until the first invoke, a crash is an init error.
    this.onUncaught = (error, exitCode) => this.client.postInitError(toRapidResponse(error)).finally(() => process.exit(exitCode));
  }

  scheduleIteration() {
    setImmediate(() => {
      this.handleOnce().catch((err) => {
        console.log(`Unexpected Top Level Error: ${err.toString()}`);
        this.onUncaught(err, 129);
      });
    });
  }

  async handleOnce() {
    const { headers, body } = await this.client.nextInvocation();
    const id = headers['lambda-runtime-aws-request-id'];
    if (!id) throw new Error('invocation id is missing or invalid');
    setRequestId(id);
    const [callback, context, markCompleted] = this.buildCallbackContext(id);
    try {
      this.onUncaught = (error, exitCode) => this.client.postInvocationError(id, toRapidResponse(error)).finally(() => process.exit(exitCode));
      onEmptyEventLoop = () => {
        markCompleted();
        this.client.postInvocationResponse(id, 'null').then(() => this.scheduleIteration());
      };
      Object.assign(context, environmentData(), headerData(headers));
      const result = this.handler(JSON.parse(body.toString('utf8')), context, callback);
      if (result && typeof result.then === 'function') {
        result.then(context.succeed, context.fail).catch(context.fail);
      }
    } catch (err) {
      callback(err);
    }
  }

  /** [callback, context, markCompleted] for one invoke, as aws-lambda-ric's CallbackContext. */
  buildCallbackContext(id) {
    const client = this.client;
    const scheduleNext = () => this.scheduleIteration();
    const postError = (err) => {
      logError('Invoke Error', err);
      client.postInvocationError(id, toRapidResponse(err)).then(scheduleNext);
    };
    let completed = false;
    const complete = (result) => {
      if (completed) {
        console.error('Invocation has already been reported as done. Cannot call complete more than once per invocation.');
        return;
      }
      completed = true;
      const body = serialize(result);
      client.postInvocationResponse(id, body).then(scheduleNext);
    };
    let waitForEmptyEventLoop = true;
    const callback = (err, result) => {
      onEmptyEventLoop = () => {};
      if (err !== undefined && err !== null) {
        postError(err);
      } else if (!waitForEmptyEventLoop) {
        complete(result);
      } else {
        onEmptyEventLoop = () => setImmediate(() => complete(result));
      }
    };
    const done = (err, result) => {
      onEmptyEventLoop = () => {};
      if (err !== undefined && err !== null) {
        postError(err);
      } else {
        complete(result);
      }
    };
    const context = {
      get callbackWaitsForEmptyEventLoop() { return waitForEmptyEventLoop; },
      set callbackWaitsForEmptyEventLoop(value) { waitForEmptyEventLoop = value; },
      succeed: (result) => done(null, result),
      fail: (err) => (err === undefined || err === null ? done('handled') : done(err, null)),
      done,
    };
    // Only the first of callback/succeed/fail/done counts.
    let finished = false;
    const once = (fn) => function onlyFirst(...args) {
      if (!finished) {
        fn(...args);
        finished = true;
      }
    };
    context.succeed = once(context.succeed);
    context.fail = once(context.fail);
    context.done = once(context.done);
    return [once(callback), context, () => { completed = true; }];
  }
}

function environmentData() {
  const env = process.env;
  return {
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
  };
}

function parseJsonHeader(value, name) {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch (err) {
    throw new Error(`Cannot parse ${name} as json: ${err.toString()}`);
  }
}

function headerData(headers) {
  const trace = headers['lambda-runtime-trace-id'];
  if (trace) process.env._X_AMZN_TRACE_ID = trace;
  else delete process.env._X_AMZN_TRACE_ID;
  const deadline = headers['lambda-runtime-deadline-ms'];
  return {
    clientContext: parseJsonHeader(headers['lambda-runtime-client-context'], 'ClientContext'),
    identity: parseJsonHeader(headers['lambda-runtime-cognito-identity'], 'CognitoIdentity'),
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    tenantId: headers['lambda-runtime-aws-tenant-id'],
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
}

async function main() {
  patchConsole();
  const client = new RuntimeClient(process.env.AWS_LAMBDA_RUNTIME_API);
  let runtime = null;
  const initFailure = (error, exitCode) => client.postInitError(toRapidResponse(error)).finally(() => process.exit(exitCode));
  process.on('uncaughtException', (error) => {
    logError('Uncaught Exception', error);
    (runtime ? runtime.onUncaught : initFailure)(error, 129);
  });
  process.on('unhandledRejection', (reason, promise) => {
    const error = new UnhandledPromiseRejection(reason, promise);
    logError('Unhandled Promise Rejection', error);
    (runtime ? runtime.onUncaught : initFailure)(error, 128);
  });
  process.on('beforeExit', () => onEmptyEventLoop());

  const appRoot = process.env.LAMBDA_TASK_ROOT || process.cwd();
  const handler = await loadHandler(appRoot, process.env._HANDLER || '');
  runtime = new Runtime(client, handler);
  runtime.scheduleIteration();
}

main().catch((error) => process.emit('uncaughtException', error));
