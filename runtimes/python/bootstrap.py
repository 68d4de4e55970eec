"""Entry point of evoke's Python Lambda runtime.

Run as `python3 -u $LAMBDA_RUNTIME_DIR/python/bootstrap.py` with PYTHONPATH=$LAMBDA_RUNTIME_DIR/python.
Kept tiny because a script run as __main__ is compiled on every start; the work is in
_evoke_runtime, whose bytecode Python caches.
"""

import _evoke_runtime

_evoke_runtime.main()
