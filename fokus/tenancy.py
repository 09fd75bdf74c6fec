"""Tenancy in the database: a row that names both a federation and a project belongs to the
project's federation.

Views and services already scope every query to the user's federation; this makes the
database refuse the row that would slip through a mistake there (a referral of federation A
to a project of federation B would be visible to both). A trigger, as a CHECK constraint
cannot look at another table; it raises integrity_constraint_violation, which Django turns
into IntegrityError.
"""

from __future__ import annotations

import pgtrigger


def federation_matches_project(table: str) -> pgtrigger.Trigger:
    """For `Meta.triggers` of a model with `federation` and `project` foreign keys."""
    return pgtrigger.Trigger(
        name=f"{table}_federation_of_project",
        when=pgtrigger.Before,
        operation=pgtrigger.Insert | pgtrigger.Update,
        func="""
            IF NEW.project_id IS NOT NULL AND NEW.federation_id IS DISTINCT FROM (
                SELECT federation_id FROM fokus_project WHERE id = NEW.project_id
            ) THEN
                RAISE EXCEPTION 'The row''s federation (%) is not its project''s (project %).',
                    NEW.federation_id, NEW.project_id
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        """,
    )


# A project never moves to another federation: its rows would be left in the old one.
PROJECT_STAYS_IN_ITS_FEDERATION = pgtrigger.ReadOnly(
    name="project_federation_read_only", fields=["federation"]
)
