"""A test LTI 1.3 platform (Moodle-like or Canvas-like) over real HTTP on 127.0.0.1.

    platform = TestPlatform(tool_base_url=live_tool.url).start()
    platform.register_in_tool(app)
    response = platform.launch(Browser(), user="learner")

See ``controller.TestPlatform`` for the Python API and ``flows`` for whole flows.
"""

from tests.lti_platform import constants
from tests.lti_platform.controller import TestPlatform
from tests.lti_platform.flows import LoginCapture

__all__ = ["TestPlatform", "LoginCapture", "constants"]
