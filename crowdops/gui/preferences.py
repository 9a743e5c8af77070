"""Interface preferences of this laptop (theme, text size, last user), kept in QSettings, not in the database."""

from PySide6.QtCore import QSettings

from crowdops.gui.theme import ThemeName
from crowdops.store.filters import STORY_KINDS


class Preferences:
    def __init__(self, settings: QSettings | None = None) -> None:
        self._settings = settings or QSettings("CrowdOps", "CrowdOps")

    @property
    def theme(self) -> ThemeName:
        value = str(self._settings.value("ui/theme", ThemeName.LIGHT.value))
        return ThemeName(value) if value in ThemeName._value2member_map_ else ThemeName.LIGHT

    @theme.setter
    def theme(self, value: ThemeName) -> None:
        self._settings.setValue("ui/theme", value.value)

    @property
    def larger_text(self) -> bool:
        return str(self._settings.value("ui/larger_text", "false")).lower() == "true"

    @larger_text.setter
    def larger_text(self, value: bool) -> None:
        self._settings.setValue("ui/larger_text", "true" if value else "false")

    @property
    def last_user(self) -> str | None:
        value = self._settings.value("session/last_user")
        return str(value) if value else None

    @last_user.setter
    def last_user(self, value: str | None) -> None:
        self._settings.setValue("session/last_user", value or "")

    @property
    def last_category(self) -> str | None:
        value = self._settings.value("log/last_category")
        return str(value) if value else None

    @last_category.setter
    def last_category(self, value: str) -> None:
        self._settings.setValue("log/last_category", value)

    @property
    def timeline_kinds(self) -> frozenset[str]:
        """What the timeline shows besides incidents (rumours, decisions, messages); none until asked for."""
        value = str(self._settings.value("timeline/kinds", "") or "")
        return frozenset(kind for kind in value.split(",") if kind in STORY_KINDS)

    @timeline_kinds.setter
    def timeline_kinds(self, kinds: frozenset[str]) -> None:
        self._settings.setValue("timeline/kinds", ",".join(sorted(kinds)))
