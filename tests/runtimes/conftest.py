import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PYTHON_RUNTIME = os.path.join(ROOT, "runtimes", "python")
sys.path.insert(0, PYTHON_RUNTIME)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
