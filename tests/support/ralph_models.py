"""Validate statements with Ralph's xAPI models. Run with Ralph's own Python.

Reads a JSON object ``{name: statement}`` on stdin and writes ``{name: [errors]}``
(an empty list when the statement is valid). Two models: ``BaseXapiStatement``, the
strict base statement (no extra properties, no empty values), and ``LaxStatement``,
what Ralph's Statements API accepts.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile


def main() -> None:
    # ralph.api builds its backend on import: the file system one, in a scratch folder.
    scratch = tempfile.mkdtemp(prefix="ralph-models-")
    os.environ.update({"RALPH_RUNSERVER_BACKEND": "fs", "RALPH_APP_DIR": scratch,
                       "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": scratch})
    from pydantic import ValidationError
    from ralph.models.xapi.base.statements import BaseXapiStatement

    from ralph.api.models import LaxStatement

    statements = json.load(sys.stdin)
    verdicts = {}
    for name, statement in statements.items():
        errors = []
        for model in (BaseXapiStatement, LaxStatement):
            try:
                model.model_validate(statement)
            except ValidationError as exc:
                errors.extend(f"{model.__name__}: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        verdicts[name] = errors
    json.dump(verdicts, sys.stdout)


if __name__ == "__main__":
    main()
