'use strict';
// Error classes and error shaping of AWS's Node.js runtime (aws-lambda-nodejs-runtime-interface-client):
// the Runtime API gets {errorType, errorMessage, trace}; the log gets
// "Invoke Error \t{"errorType":...,"errorMessage":...,"stack":[...]}".

const util = require('util');

function looksLikeError(value) {
  return Boolean(value && typeof value.name === 'string' && typeof value.message === 'string' && typeof value.stack === 'string');
}

function intoError(value) {
  return value instanceof Error ? value : new Error(value);
}

/** The body posted to /error and /init/error. */
function toRapidResponse(error) {
  try {
    if (util.types.isNativeError(error) || looksLikeError(error)) {
      return {
        errorType: error.name?.replace(/\x7F/g, '%7F'),
        errorMessage: error.message?.replace(/\x7F/g, '%7F'),
        trace: error.stack.replace(/\x7F/g, '%7F').split('\n'),
      };
    }
    return { errorType: typeof error, errorMessage: error.toString(), trace: [] };
  } catch (_) {
    return {
      errorType: 'handled',
      errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

function withEnumerableProperties(value) {
  if (!(value instanceof Error)) return value;
  const shaped = Object.assign({ errorType: value.name, errorMessage: value.message, code: value.code }, value);
  if (typeof value.stack === 'string') shaped.stack = value.stack.split('\n');
  return shaped;
}

/** The second argument of the "Invoke Error" log line: a tab, then the error as JSON. */
function toFormatted(error) {
  try {
    return '\t' + JSON.stringify(error, (_key, value) => withEnumerableProperties(value));
  } catch (_) {
    return '\t' + JSON.stringify(toRapidResponse(error));
  }
}

class ImportModuleError extends Error {}
class HandlerNotFound extends Error {}
class MalformedHandlerName extends Error {}
class UserCodeSyntaxError extends Error {}
class UnhandledPromiseRejection extends Error {
  constructor(reason, promise) {
    super(reason);
    this.reason = reason;
    this.promise = promise;
  }
}
for (const cls of [ImportModuleError, HandlerNotFound, MalformedHandlerName, UserCodeSyntaxError, UnhandledPromiseRejection]) {
  cls.prototype.name = `Runtime.${cls.name}`;
}

module.exports = {
  intoError,
  toRapidResponse,
  toFormatted,
  ImportModuleError,
  HandlerNotFound,
  MalformedHandlerName,
  UserCodeSyntaxError,
  UnhandledPromiseRejection,
};
