"""The org's configuration as of its clock: people, queues, codes and forms.

These lists are small and served as they are; the form versions are also kept
as structures, by id, for rendering surveys and evaluations.
"""

from __future__ import annotations

from typing import Any

from genesys_sim.generate.evaluation_forms import (
    evaluation_form_json,
    evaluation_form_version,
    evaluation_form_versions,
)
from genesys_sim.generate.forms import (
    FormVersion,
    survey_form_json,
    survey_form_version,
    survey_form_versions,
)
from genesys_sim.generate.people import (
    ADMIN_INDEX,
    Roster,
    agent_json,
    email_for,
    staff_json,
)
from genesys_sim.generate.routing import (
    Routing,
    division_json,
    queue_json,
    wrapup_json,
)

Json = dict[str, Any]


class Catalogue:
    """Wire lists and lookups of one org at one moment."""

    def __init__(
        self, seed: int, routing: Routing, roster: Roster, window: tuple[int, int]
    ) -> None:
        start_ms, as_of_ms = window
        self._seed, self._as_of_ms = seed, as_of_ms
        admin = roster.staff[ADMIN_INDEX].user_id
        self.divisions = [division_json(d) for d in routing.divisions]
        self.users = _users(roster, routing, start_ms, as_of_ms)
        self.queues = [
            queue_json(q, len(roster.queue_seats[i]), admin)
            for i, q in enumerate(routing.queues)
        ]
        self.wrapup_codes = [
            wrapup_json(c, routing.home, admin) for c in routing.wrapups.values()
        ]
        survey_versions = survey_form_versions(seed, start_ms, as_of_ms)
        evaluation_versions = evaluation_form_versions(seed, start_ms, as_of_ms)
        self.survey_forms = [survey_form_json(f, routing.home) for f in survey_versions]
        self.evaluation_forms = [
            evaluation_form_json(f, routing.home) for f in evaluation_versions
        ]
        self.forms_by_id = {f.form_id: f for f in survey_versions + evaluation_versions}
        self.users_by_id = {u["id"]: u for u in self.users}
        self._versions: dict[tuple[str, int], FormVersion] = {}

    def survey_form(self, key: str, version: int) -> FormVersion:
        """A published survey form version, built once."""
        found = self._versions.get((key, version))
        if found is None:
            found = survey_form_version(self._seed, key, version, self._as_of_ms)
            self._versions[(key, version)] = found
        return found

    def evaluation_form(self, key: str, version: int) -> FormVersion:
        """A published evaluation form version, built once."""
        found = self._versions.get((key, version))
        if found is None:
            found = evaluation_form_version(self._seed, key, version)
            self._versions[(key, version)] = found
        return found

    def user_name(self, user_id: str) -> str:
        user = self.users_by_id.get(user_id)
        return str(user["name"]) if user else ""


def _users(
    roster: Roster, routing: Routing, start_ms: int, as_of_ms: int
) -> list[Json]:
    taken: set[str] = set()
    users = [staff_json(s, routing.home) for s in roster.staff]
    for staff in roster.staff:
        taken.add(staff.name.lower().replace(" ", "."))
    for agent in roster.listed_agents(start_ms, as_of_ms):
        deleted = roster.is_deleted(agent, as_of_ms)
        users.append(agent_json(agent, deleted, email_for(agent.name, taken)))
    return users
