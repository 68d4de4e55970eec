"""Run a function right after a module is first imported, without importing it ourselves.

The runtime needs to configure `logging` and patch `botocore` only when the function actually
uses them: importing either eagerly would cost milliseconds on every cold start. A finder at the
front of sys.meta_path lets the normal finders locate the module, then wraps that module's
exec_module so the hook runs once the module body has finished.
"""

import sys

_hooks = {}  # module name -> list of callables taking the module


class _AfterImportFinder:
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        hooks = _hooks.pop(name, None)
        if hooks is None:
            return None
        for finder in sys.meta_path:
            if finder is cls:
                continue
            find_spec = getattr(finder, "find_spec", None)
            if find_spec is None:
                continue
            spec = find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        exec_module = getattr(loader, "exec_module", None)
        if exec_module is None:
            return spec

        # The loader instance belongs to this one module (a file loader per spec), so an
        # attribute on the instance changes nothing for other modules and keeps __loader__.
        def exec_then_hook(module):
            exec_module(module)
            for hook in hooks:
                hook(module)

        loader.exec_module = exec_then_hook
        return spec


def after_import(name, hook):
    """Calls hook(module) once `name` is imported (at once if it already is)."""
    module = sys.modules.get(name)
    if module is not None:
        hook(module)
        return
    _hooks.setdefault(name, []).append(hook)
    if _AfterImportFinder not in sys.meta_path:
        sys.meta_path.insert(0, _AfterImportFinder)
