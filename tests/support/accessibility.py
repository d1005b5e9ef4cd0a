"""axe-core (the copy bundled by the ``axe-playwright-python`` package) over a page
state a browser test reached: WCAG 2.1 A and AA rules, serious and critical
violations fail the test with what and where."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING = {"serious", "critical"}
_axe = Axe()


def violations(target) -> list[dict]:
    """Serious and critical violations on a Playwright page or frame, as it is now."""
    results = _axe.run(target, options={"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]})
    return [v for v in results.response["violations"] if v.get("impact") in FAILING]


def assert_accessible(target, state: str) -> None:
    found = violations(target)
    assert not found, f"{state}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(str(n['target']) for n in v['nodes'][:3])}"
        for v in found)


_RING = """() => { const s = getComputedStyle(document.activeElement);
  return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; }"""


def _luminance(rgb: str) -> float:
    channels = [int(x) / 255 for x in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def focus_ring_contrast(target, background: str = "rgb(255, 255, 255)") -> float:
    """The contrast ratio of the focused element's outline against ``background``
    (0 when it has none), as WCAG 2.2's focus appearance measures it."""
    style, width, color = target.evaluate(_RING)
    if style == "none" or width < 2:
        return 0.0
    lighter, darker = sorted((_luminance(color), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
