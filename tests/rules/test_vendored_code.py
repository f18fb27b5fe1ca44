"""Third-party code shipped inside an application: the data-flow rules leave its sinks to the library."""

from __future__ import annotations

import pytest
from vetline.rules.analysis.test_code import is_vendored_code
from vetline.rules.engine import Engine
from vetline.rules.python.eval_of_dynamic_code import RULE as EVAL
from vetline.rules.python.os_command_injection import RULE as COMMAND
from vetline.rules.python.pickle_deserialization import RULE as PICKLE

# The shapes of bottle.py's own `eval` (template code) and `pickle.loads` (cookie values), and a shell helper.
LIBRARY_CODE = b"""import os
import pickle

def load(target, **namespace):
    module, target = target.split(":", 1) if ":" in target else (target, None)
    return eval("%s.%s" % (module, target), namespace)

def cookie_decode(data, key):
    msg = data.split(b"?")[1]
    return pickle.loads(msg)

def run(command):
    os.system("sh -c " + command)
"""
RULES = [EVAL, COMMAND, PICKLE]


@pytest.mark.parametrize(
    "path",
    [
        "pypiserver-2.4.2/pypiserver/bottle_wrapper/bottle.py",
        "app/_vendor/requests/sessions.py",
        "app/vendor/helpers.py",
        "project/third_party/tool/run.py",
        "pkg/extern/six.py",
        "mediagoblin/extlib/leaflet/helpers.py",
        "app/lib/six.py",
    ],
)
def test_vendored_modules_get_no_data_flow_findings(path: str) -> None:
    """Ensure that eval, pickle and shell sinks in a vendored library are not the application's findings."""
    assert is_vendored_code(path)
    assert Engine(RULES).analyze(LIBRARY_CODE, "python", path).findings == ()


@pytest.mark.parametrize("path", ["bottle.py", "bottle-0.13.2/bottle.py", "app/views.py", "shop/vendors/views.py"])
def test_the_same_code_in_the_project_itself_is_reported(path: str) -> None:
    """Ensure that bottle's own tree, and an application's own modules (a `vendors` app), keep their findings."""
    assert not is_vendored_code(path)
    found = Engine(RULES).analyze(LIBRARY_CODE, "python", path).findings
    assert sorted({f.rule_id for f in found}) == [
        "eval-of-dynamic-code",
        "os-command-injection",
        "pickle-deserialization",
    ]


def test_request_data_in_vendored_code_is_still_reported() -> None:
    """Ensure that a vendored module reading the request itself keeps its finding."""
    code = b'import os\nfrom flask import request\n\ndef run():\n    os.system("ping " + request.args["host"])\n'
    found = Engine(RULES).analyze(code, "python", "app/_vendor/tool.py").findings
    assert [(f.rule_id, f.start.line) for f in found] == [("os-command-injection", 4)]
