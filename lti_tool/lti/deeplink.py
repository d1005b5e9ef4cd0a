"""Deep Linking 2.0: an instructor picks courses, quizzes, practical tasks or classroom
sessions from our catalogue (the shared library and the organisation's own courses,
never another organisation's); we return signed ltiResourceLink items to the LMS."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, render_template, request, session
from flask_babel import gettext as _
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem

from lti_tool import auth, db, i18n
from lti_tool.errors import UserError
from lti_tool.lti import roles
from lti_tool.lti.models import Platform
from lti_tool.lti.toolconf import registration_for

log = logging.getLogger(__name__)
bp = Blueprint("deeplink", __name__, url_prefix="/lti/deeplink", template_folder="templates")

GRADED_KINDS = {"course", "quiz", "practical"}


class ToolItem:
    """One of the tool's own pages an instructor can place: the training files
    (``item_kind=records``, opened by ``records.open_item``). Not graded."""

    kind = "records"

    def __init__(self, id: str, titles: dict[str, str], descriptions: dict[str, str]) -> None:
        self.id, self.titles, self.descriptions = id, titles, descriptions

    def _pick(self, texts: dict[str, str], locale: str) -> str:
        return texts["en"] if str(locale).startswith("en") else texts["zh-CN"]

    def title(self, locale) -> str:
        return self._pick(self.titles, locale)

    def description(self, locale) -> str:
        return self._pick(self.descriptions, locale)


TOOL_ITEMS = [
    ToolItem("hr", {"zh-CN": "培训档案", "en": "Training files"},
             {"zh-CN": "学员打开自己的培训档案与证书；人力资源人员打开人力资源控制台，查看全部员工的档案。",
              "en": "Learners open their own training file and certificates; HR opens the HR console with "
                    "every employee's file."}),
    ToolItem("certificates", {"zh-CN": "我的证书", "en": "My certificates"},
             {"zh-CN": "学员的结业证书，可下载 PDF 并查看有效期。",
              "en": "The learner's completion certificates, as PDFs, with their validity."}),
    ToolItem("approvals", {"zh-CN": "我的审批", "en": "My approvals"},
             {"zh-CN": "管理层、培训部门负责人与部门主管审批培训需求报告、培训计划、预算与费用报销。",
              "en": "Management, the head of the training department and department heads approve needs "
                    "reports, training plans, budgets and expense claims."}),
    ToolItem("needs", {"zh-CN": "培训需求调查", "en": "Training needs survey"},
             {"zh-CN": "员工填写培训部门发出的培训需求调查；部门主管补充本部门的需求与建议。",
              "en": "Employees answer the training department's needs surveys; department heads add their "
                    "department's needs and suggestions."}),
    ToolItem("runs", {"zh-CN": "培训班次", "en": "Course runs"},
             {"zh-CN": "培训师与人力资源人员查看本课程班次的签到、成绩与培训归档。",
              "en": "Trainers and HR see the attendance, results and training archive of course runs."}),
]


def catalogue_items() -> list:
    from lti_tool.catalog.errors import ContentError
    from lti_tool.catalog.library import load_library

    try:
        library = load_library(current_app.config["SETTINGS"].resolved_content_path, strict=False)
        if not library.courses and library.problems:
            raise ContentError(library.problems)
        return list(library.items())
    except ContentError as exc:
        log.error("the course library does not load: %s", exc)
        raise UserError(
            _("The course library could not be loaded, so there is nothing to choose from right now."),
            503,
            hint=_("Your tool administrator can run “aftersales-training content check” to see what is wrong."),
        ) from exc


def offered_items() -> list:
    """The library's items, then the actor's organisation's own courses, then the tool's pages."""
    from lti_tool.banks.courses import own_items

    return catalogue_items() + own_items(db.session(), auth.current_actor().organisation_id) + TOOL_ITEMS


class _Resource(DeepLinkResource):
    text: str | None = None

    def to_dict(self):
        data = super().to_dict()
        if self.text:
            data["text"] = self.text
        return data


class _DeepLink(DeepLink):
    def get_message_jwt(self, resources):
        message = super().get_message_jwt(resources)
        data_claim = "https://purl.imsglobal.org/spec/lti-dl/claim/data"
        if message.get(data_claim) is None:
            message.pop(data_claim, None)  # echo data only when the platform sent some
        return message


def content_item(item, locale: str, launch_url: str) -> _Resource:
    resource = _Resource()
    resource.set_title(item.title(locale)).set_url(launch_url)
    resource.set_custom_params({"item_kind": item.kind, "item_id": item.id})
    resource.text = item.description(locale) or None
    if item.kind in GRADED_KINDS:
        resource.set_lineitem(
            LineItem()
            .set_score_maximum(item.score_maximum)
            .set_label(item.title(locale))
            .set_resource_id(item.id)
            .set_tag(item.kind)
        )
    return resource


def _deep_link_session() -> dict:
    data = session.get("deep_link")
    if not data:
        raise UserError(_("Choose content from the course's “Select content” button in your LMS."), 400)
    return data


@bp.get("/")
@auth.require_role(roles.INSTRUCTOR, roles.HR)
def picker():
    settings = _deep_link_session()["settings"]
    return render_template(
        "lti/deeplink_picker.html",
        items=offered_items(),
        locale=i18n.current(),
        accept_multiple=settings.get("accept_multiple", True) is not False,
    )


@bp.post("/")
@auth.require_role(roles.INSTRUCTOR, roles.HR)
def respond():
    data = _deep_link_session()
    chosen = request.form.getlist("item")
    by_id = {f"{i.kind}:{i.id}": i for i in offered_items()}
    unknown = [c for c in chosen if c not in by_id]
    if unknown or not chosen:
        raise UserError(_("Choose at least one item from the list."), 422)
    if len(chosen) > 1 and data["settings"].get("accept_multiple") is False:
        raise UserError(_("Your LMS accepts one item at a time here."), 422)
    actor = auth.current_actor()
    platform = db.session().get(Platform, actor.platform_id)
    base = current_app.config["SETTINGS"].public_base_url
    locale = i18n.current()
    resources = [content_item(by_id[c], locale, f"{base}/lti/launch") for c in chosen]
    deep_link = _DeepLink(registration_for(db.session(), platform), data["deployment_id"], data["settings"])
    token = deep_link.get_response_jwt(resources)
    session.pop("deep_link", None)
    return render_template(
        "lti/deeplink_return.html",
        return_url=data["settings"]["deep_link_return_url"],
        jwt=token,
        count=len(resources),
    )
