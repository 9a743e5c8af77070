"""Light and dark palettes from one place, the stylesheet in resources/styles, and a larger-text option.

Colour carries meaning only (UI.md): red for life-safety, failures and EXERCISE; amber for waiting; green for done;
severity as a graded scale. Every colour is paired with a word wherever it is used.
"""

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
LARGER_TEXT_FACTOR = 1.25


class ThemeName(StrEnum):
    LIGHT = "light"
    DARK = "dark"


@dataclass(frozen=True, slots=True)
class Colours:
    window: str
    base: str
    alt_base: str
    text: str
    muted: str
    border: str
    accent: str
    accent_text: str
    danger: str
    danger_text: str
    warning: str
    ok: str
    severity: tuple[str, str, str, str, str]  # backgrounds for severity 1..5
    severity_text: tuple[str, str, str, str, str]
    # Chips (message status, priority): a tinted background with its word in a darker shade of the same colour.
    chip_neutral: str
    chip_neutral_text: str
    chip_waiting: str
    chip_waiting_text: str
    chip_ok: str
    chip_ok_text: str
    chip_danger: str
    chip_danger_text: str
    # Diffs: what was added and what was removed since the approved version (each also marked + or −).
    diff_add: str
    diff_add_text: str
    diff_del: str
    diff_del_text: str


LIGHT = Colours(
    window="#f3f4f6",
    base="#ffffff",
    alt_base="#f7f8fa",
    text="#16181d",
    muted="#5b6270",
    border="#cfd4dc",
    accent="#1f5fbf",
    accent_text="#ffffff",
    danger="#b3261e",
    danger_text="#ffffff",
    warning="#a35f00",
    ok="#1e7a3c",
    severity=("#e8f1ea", "#eef3d8", "#fbecc7", "#f8d2b4", "#f3b7b2"),
    severity_text=("#1d4d2b", "#3d4d12", "#5c4100", "#6b2d00", "#6e0f0a"),
    chip_neutral="#e6e8ec",
    chip_neutral_text="#3a404b",
    chip_waiting="#fbe3b0",
    chip_waiting_text="#5c3b00",
    chip_ok="#d3eedb",
    chip_ok_text="#15512a",
    chip_danger="#b3261e",
    chip_danger_text="#ffffff",
    diff_add="#cdeed6",
    diff_add_text="#0f4a22",
    diff_del="#f8d0cc",
    diff_del_text="#7a120b",
)

DARK = Colours(
    window="#15171c",
    base="#1c1f26",
    alt_base="#21252d",
    text="#e6e8ec",
    muted="#9aa3b2",
    border="#353b47",
    accent="#5b9cf5",
    accent_text="#0b0d11",
    danger="#e5534b",
    danger_text="#ffffff",
    warning="#e0a030",
    ok="#4cc06e",
    severity=("#1f3326", "#2c3519", "#41361a", "#4d2c1a", "#5a1f1c"),
    severity_text=("#9fd9ae", "#c9dd8f", "#f2cf7a", "#f5ae7a", "#ffa59e"),
    chip_neutral="#2c313b",
    chip_neutral_text="#c5cbd6",
    chip_waiting="#4a3a14",
    chip_waiting_text="#f5cf78",
    chip_ok="#1d3d28",
    chip_ok_text="#9fe0b1",
    chip_danger="#c8352d",
    chip_danger_text="#ffffff",
    diff_add="#1d4029",
    diff_add_text="#a8ebbb",
    diff_del="#52221f",
    diff_del_text="#ffb4ad",
)


_current = LIGHT


def colours(name: ThemeName) -> Colours:
    return DARK if name is ThemeName.DARK else LIGHT


def current_colours() -> Colours:
    """The palette applied last: for what is painted or rendered to HTML outside the stylesheet."""
    return _current


def apply_theme(app: QApplication, name: ThemeName, larger_text: bool, base_font: QFont) -> Colours:
    global _current
    c = _current = colours(name)
    app.setStyle("Fusion")  # the same look on every platform, and palettes that are honoured everywhere
    app.setPalette(_palette(c))
    font = QFont(base_font)
    size = base_font.pointSizeF() if base_font.pointSizeF() > 0 else 10.0
    font.setPointSizeF(size * (LARGER_TEXT_FACTOR if larger_text else 1.0))
    app.setFont(font)
    app.setStyleSheet(_stylesheet(c))
    return c


def _palette(c: Colours) -> QPalette:
    p = QPalette()
    role = QPalette.ColorRole
    for r, value in (
        (role.Window, c.window),
        (role.WindowText, c.text),
        (role.Base, c.base),
        (role.AlternateBase, c.alt_base),
        (role.Text, c.text),
        (role.Button, c.base),
        (role.ButtonText, c.text),
        (role.ToolTipBase, c.base),
        (role.ToolTipText, c.text),
        (role.PlaceholderText, c.muted),
        (role.Highlight, c.accent),
        (role.HighlightedText, c.accent_text),
        (role.Link, c.accent),
        (role.Mid, c.border),
        (role.Midlight, c.border),
    ):
        p.setColor(r, QColor(value))
    p.setColor(QPalette.ColorGroup.Disabled, role.Text, QColor(c.muted))
    p.setColor(QPalette.ColorGroup.Disabled, role.ButtonText, QColor(c.muted))
    return p


def _stylesheet(c: Colours) -> str:
    """resources/styles/app.qss with @name tokens replaced by this theme's colours."""
    path = RESOURCES / "styles" / "app.qss"
    if not path.exists():
        return ""
    qss = path.read_text(encoding="utf-8")
    tokens = {name: getattr(c, name) for name in Colours.__dataclass_fields__ if isinstance(getattr(c, name), str)}
    for name in sorted(tokens, key=len, reverse=True):
        qss = qss.replace(f"@{name}", tokens[name])
    return qss
