"""The library of pre-approved templates, read from resources/templates/ (one TOML file each)."""

from pathlib import Path

from crowdops.domain.enums import OperationKind
from crowdops.domain.errors import NotFoundError, ValidationError
from crowdops.domain.templates import Template, index_templates, parse_template, templates_for

TEMPLATES = Path(__file__).resolve().parents[2] / "resources" / "templates"


class TemplateLibrary:
    """Read once, on first use; a broken file is reported by name, and the others stay usable."""

    def __init__(self, folder: Path = TEMPLATES) -> None:
        self._folder = folder
        self._templates: dict[str, Template] | None = None
        self.problems: list[str] = []

    def _load(self) -> dict[str, Template]:
        if self._templates is None:
            parsed = []
            for path in sorted(self._folder.glob("*.toml")):
                try:
                    parsed.append(parse_template(path.read_text(encoding="utf-8"), path.name))
                except (ValidationError, UnicodeDecodeError) as error:
                    self.problems.append(str(error))
            self._templates = index_templates(parsed)
        return self._templates

    def get(self, template_id: str) -> Template:
        found = self._load().get(template_id.strip())
        if found is None:
            known = ", ".join(sorted(self._load()))
            raise NotFoundError(f"No template '{template_id}': the templates are {known}.")
        return found

    def list(self, kind: OperationKind | None = None) -> list[Template]:
        templates = list(self._load().values())
        return templates_for(templates, kind) if kind else sorted(templates, key=lambda t: t.id)
