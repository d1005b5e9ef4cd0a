"""Every table the migrations manage: the app's models and xapi/'s own tables."""

from __future__ import annotations


def target_metadata():
    import lti_tool.models  # noqa: F401  (registers every feature's models)
    from lti_tool.db import Base

    metadatas = [Base.metadata]
    try:
        from xapi.schema import metadata as xapi_metadata
    except ImportError:  # xapi/ has no tables yet
        return metadatas
    return metadatas + [xapi_metadata]
