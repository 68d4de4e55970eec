'use strict';
// console.* as AWS's Node.js runtime patches it: every call becomes one line
// "<ISO time>\t<request id>\t<LEVEL>\t<util.format of the arguments>", with newlines turned into
// carriage returns so that a multi-line message stays one log event. AWS_LAMBDA_LOG_LEVEL
// silences the levels below it.

const util = require('util');
const { intoError, toFormatted } = require('./errors');

const REQUEST_ID = Symbol.for('aws.lambda.runtime.requestId');

const LEVELS = {
  TRACE: { name: 'TRACE', priority: 1 },
  DEBUG: { name: 'DEBUG', priority: 2 },
  INFO: { name: 'INFO', priority: 3 },
  WARN: { name: 'WARN', priority: 4 },
  ERROR: { name: 'ERROR', priority: 5 },
  FATAL: { name: 'FATAL', priority: 6 },
};

function setRequestId(id) {
  globalThis[REQUEST_ID] = id;
}

function formatLine(time, requestId, levelName, message, params) {
  const line = `${time}\t${requestId}\t${levelName}\t${util.format(message, ...params)}`;
  return line.replace(/\n/g, '\r') + '\n';
}

function writeLine(level, message, params) {
  process.stdout.write(formatLine(new Date().toISOString(), globalThis[REQUEST_ID], level.name, message, params));
}

function patchConsole() {
  const threshold = LEVELS[(process.env.AWS_LAMBDA_LOG_LEVEL || '').toUpperCase()] || LEVELS.TRACE;
  const nop = () => {};
  const logger = (level) => (level.priority >= threshold.priority
    ? (message, ...params) => writeLine(level, message, params)
    : nop);
  console.trace = logger(LEVELS.TRACE);
  console.debug = logger(LEVELS.DEBUG);
  console.info = logger(LEVELS.INFO);
  console.log = console.info;
  console.warn = logger(LEVELS.WARN);
  console.error = logger(LEVELS.ERROR);
  console.fatal = (message, ...params) => writeLine(LEVELS.FATAL, message, params);
}

/** "Invoke Error", "Uncaught Exception", ...: the runtime's own error report line. */
function logError(label, error) {
  console.error(label, toFormatted(intoError(error)));
}

module.exports = { patchConsole, setRequestId, formatLine, logError };
