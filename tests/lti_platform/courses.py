"""People, courses, resource links and line items: how a test arranges the LMS side."""

from __future__ import annotations

from tests.lti_platform import constants as c
from tests.lti_platform.model import SEED_LINKS, SEED_USERS, Course, LineItem, Member, PlatformUser, ResourceLink


class Courses:
    """Mixed into ``TestPlatform``; the seeded course is ``self.course``."""

    def user(self, key: str) -> PlatformUser:
        try:
            return self.users[key]
        except KeyError:
            raise KeyError(f"no user {key!r}; seeded: {sorted(self.users)}") from None

    def add_user(self, key: str, name: str, *, given_name: str = "", family_name: str = "", email: str = "",
                 locale: str = "zh-CN", person_sourcedid: str | None = None, institution_roles=(),
                 context: str | None = None, roles=(c.LEARNER,), status: str = "Active") -> PlatformUser:
        """A user, enrolled with ``roles`` in ``context`` (the seeded course by default; none if ``roles`` is empty)."""
        with self.lock:
            user = PlatformUser(key, self.ids.user(), name, given_name, family_name,
                                email or f"{key}@example.com", locale, person_sourcedid, list(institution_roles))
            self.users[key] = user
            target = context or (self.course.id if self.course else None)
            if roles and target:
                self.enrol(key, list(roles), context=target, status=status)
        return user

    def enrol(self, user: str, roles, *, context: str | None = None, status: str = "Active") -> None:
        with self.lock:
            self.courses[context or self.course.id].members[user] = Member(user, list(roles), status)

    def add_course(self, title: str, label: str) -> Course:
        with self.lock:
            course = Course(self.ids.context(), label, title)
            self.courses[course.id] = course
            self.course = self.course or course
        return course

    def add_resource_link(self, title: str, *, context: str | None = None, text: str = "", custom: dict | None = None,
                          url: str | None = None, line_item: dict | None = None) -> ResourceLink:
        """A link in the course; ``line_item`` (scoreMaximum, label, resourceId, tag) adds its gradebook column."""
        with self.lock:
            course = self.courses[context or self.course.id]
            link = ResourceLink(self.ids.link(), title, text, url, dict(custom or {}))
            course.links[link.id] = link
            if line_item is not None:
                item = self.add_line_item(course.id, label=line_item.get("label") or title,
                                          score_maximum=float(line_item.get("scoreMaximum", 100)),
                                          resource_id=line_item.get("resourceId", ""), tag=line_item.get("tag", ""),
                                          resource_link_id=link.id)
                link.lineitem_id = item.id
        return link

    def add_line_item(self, context_id: str, *, label: str, score_maximum: float, resource_id: str = "",
                      tag: str = "", resource_link_id: str | None = None) -> LineItem:
        with self.lock:
            item = LineItem(self.ids.lineitem(), context_id, label, score_maximum, resource_id, tag, resource_link_id)
            self.lineitems[item.id] = item
        return item

    def remove_resource_link(self, link_id: str, *, context: str | None = None) -> None:
        """Delete a link from the course, and its gradebook column."""
        with self.lock:
            link = self.courses[context or self.course.id].links.pop(link_id)
            if link.lineitem_id is not None:
                self.lineitems.pop(link.lineitem_id, None)

    def resource_links(self, context: str | None = None) -> list[ResourceLink]:
        return list(self.courses[context or self.course.id].links.values())

    def _seed(self) -> None:
        self.add_course("售后服务人员培训 · After-sales service staff training", "ASV101")
        for key, name, given, family, email, locale, sourcedid, roles, institution in SEED_USERS:
            self.add_user(key, name, given_name=given, family_name=family, email=email, locale=locale,
                          person_sourcedid=sourcedid, institution_roles=institution, roles=roles,
                          status="Inactive" if key == "former" else "Active")
        for title, text, grade in SEED_LINKS:
            line_item = None
            if grade:
                line_item = {"scoreMaximum": grade[0], "resourceId": grade[1], "tag": grade[2]}
            self.add_resource_link(title, text=text, line_item=line_item)

