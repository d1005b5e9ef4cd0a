"""Imports every feature's models, so that Alembic and ``db check`` see them all.

A feature that adds models adds one import line here.
"""

from lti_tool.db import Base  # noqa: F401
from lti_tool.catalog import models as catalog_models  # noqa: F401
from lti_tool.learning import models as learning_models  # noqa: F401
from lti_tool.lti import ags_models  # noqa: F401
from lti_tool.lti import invite_models  # noqa: F401
from lti_tool.lti import models as lti_models  # noqa: F401
from lti_tool.records import models as records_models  # noqa: F401
from lti_tool.practical import models as practical_models  # noqa: F401
from lti_tool.sessions import models as sessions_models  # noqa: F401
from lti_tool.certificates import models as certificates_models  # noqa: F401
from lti_tool.hr import models as hr_models  # noqa: F401
from lti_tool.approvals import models as approvals_models  # noqa: F401
from lti_tool.plans import models as plans_models  # noqa: F401
from lti_tool.needs import models as needs_models  # noqa: F401
from lti_tool.needs import report_models as needs_report_models  # noqa: F401
from lti_tool.trainers import models as trainers_models  # noqa: F401
from lti_tool.needs import analysis_models as needs_analysis_models  # noqa: F401
from lti_tool.questionnaires import models as questionnaires_models  # noqa: F401
from lti_tool.audit import models as audit_models  # noqa: F401
from lti_tool import throttle as throttle_models  # noqa: F401
from lti_tool import xapi_credentials as xapi_credential_models  # noqa: F401
from lti_tool.costs import models as costs_models  # noqa: F401
