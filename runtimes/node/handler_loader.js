'use strict';
// Finds and loads the function's handler the way AWS's Node.js runtime does:
// "dir/sub/file.export.nested" -> module "file" under "dir/sub/" of the task root, tried as
// file, file.js (CommonJS unless a package.json above says "type": "module"), file.mjs,
// file.cjs, then as a Node module name; the export may be a nested property path.

const path = require('path');
const fs = require('fs');
const {
  HandlerNotFound, MalformedHandlerName, ImportModuleError, UserCodeSyntaxError,
} = require('./errors');

const FUNCTION_EXPR = /^([^.]*)\.(.*)$/;

function splitHandler(fullHandler) {
  if (fullHandler.includes('..')) {
    throw new MalformedHandlerName(`'${fullHandler}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`);
  }
  const moduleAndHandler = path.basename(fullHandler);
  const moduleRoot = fullHandler.substring(0, fullHandler.indexOf(moduleAndHandler));
  const match = moduleAndHandler.match(FUNCTION_EXPR);
  if (!match || match.length !== 3) throw new MalformedHandlerName('Bad handler');
  return { moduleRoot, moduleName: match[1], handlerPath: match[2] };
}

function folderSaysModule(folder) {
  if (folder.endsWith('/node_modules')) return false;
  const pj = path.join(folder, '/package.json');
  if (fs.existsSync(pj)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(pj));
      if (pkg) return pkg.type === 'module';
    } catch (e) {
      console.warn(`${pj} cannot be read, it will be ignored for ES module detection purposes.`, e);
      return false;
    }
  }
  if (folder === '/') return false;
  return folderSaysModule(path.resolve(folder, '..'));
}

function requireIfExists(file) {
  return fs.existsSync(file) ? require(file) : undefined;
}

async function importIfExists(file) {
  if (!fs.existsSync(file)) return undefined;
  return import(require('url').pathToFileURL(file).href);
}

async function loadModule(appRoot, moduleRoot, moduleName) {
  const base = path.resolve(appRoot, moduleRoot, moduleName);
  const bare = requireIfExists(base);
  if (bare) return bare;
  const isEsm = fs.existsSync(base + '.js') && folderSaysModule(path.dirname(base + '.js'));
  if (!isEsm) {
    const cjs = requireIfExists(base + '.js');
    if (cjs) return cjs;
  }
  const loaded = (isEsm && await importIfExists(base + '.js'))
    || await importIfExists(base + '.mjs')
    || requireIfExists(base + '.cjs');
  if (loaded) return loaded;
  return require(require.resolve(moduleName, { paths: [appRoot, moduleRoot] }));
}

function resolveNested(object, nestedPath) {
  return nestedPath.split('.').reduce((value, key) => value && value[key], object);
}

async function loadHandler(appRoot, fullHandler) {
  const { moduleRoot, moduleName, handlerPath } = splitHandler(fullHandler);
  let userModule;
  try {
    userModule = await loadModule(appRoot, moduleRoot, moduleName);
  } catch (e) {
    if (e instanceof SyntaxError) throw new UserCodeSyntaxError(e);
    if (e.code !== undefined && e.code === 'MODULE_NOT_FOUND') throw new ImportModuleError(e);
    throw e;
  }
  const handler = resolveNested(userModule, handlerPath);
  if (!handler) throw new HandlerNotFound(`${fullHandler} is undefined or not exported`);
  if (typeof handler !== 'function') throw new HandlerNotFound(`${fullHandler} is not a function`);
  return handler;
}

module.exports = { loadHandler, splitHandler };
