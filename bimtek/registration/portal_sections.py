"""Sections that other domains add to the participant portal (attendance, RTL, certificate …).

Registration sits below those domains in the layer order, so it cannot import them. Instead create_app
registers every section in one place (`bimtek.register_portal_sections`), the portal view asks each section
for its data, and the section's template only renders what it was given: no template runs a query.
"""
from dataclasses import dataclass, field
from typing import Any, Callable

# build(registration, phase) -> dict for the template, or None when the section has nothing to show.
Builder = Callable[[Any, Any], "dict | None"]


@dataclass(frozen=True)
class Section:
    template: str
    build: Builder


@dataclass
class PortalSections:
    sections: list[Section] = field(default_factory=list)

    def add(self, template: str, build: Builder) -> None:
        self.sections.append(Section(template, build))

    def for_registration(self, registration, phase) -> list[tuple[str, dict]]:
        """[(template, data)] of the sections that have something to show for this registration."""
        shown = []
        for section in self.sections:
            data = section.build(registration, phase)
            if data is not None:
                shown.append((section.template, data))
        return shown
