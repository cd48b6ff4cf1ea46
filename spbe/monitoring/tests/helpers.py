"""Builders for the monitoring tests: a road project of unit A with its contract and S-curve."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from spbe.monitoring.models import Contract, Project
from spbe.monitoring.services import contract_create, plan_set, project_create

SUB_KEGIATAN = "1.03.10.2.01.0028"  # Pengelolaan Leger Jalan, in the 2027 nomenclature
SITE = (Decimal("-8.219200"), Decimal("114.369100"))  # a point in Banyuwangi
START = dt.date(2027, 3, 1)


def new_project(world: Any, **fields: Any) -> Project:
    values: dict[str, Any] = {
        "actor": world.agency_operator_a,
        "unit": world.unit_a,
        "year": 2027,
        "sub_kegiatan_code": SUB_KEGIATAN,
        "name": "Rehabilitasi Jalan Genteng - Kalibaru",
        "location_kind": "point",
        "points": [SITE],
        "village": world.desa_x,
    }
    values.update(fields)
    return project_create(**values)


def new_contract(world: Any, project: Project, **fields: Any) -> Contract:
    values: dict[str, Any] = {
        "actor": world.agency_operator_a,
        "project": project,
        "method": "penyedia",
        "number": "027/PU/2027",
        "vendor_name": "CV Maju Jaya",
        "value": "1250000000.50",
        "signed_on": dt.date(2027, 2, 25),
        "starts_on": START,
        "ends_on": dt.date(2027, 11, 30),
        "ocid": f"ocds-abc123-3510-{project.pk}",
    }
    values.update(fields)
    return contract_create(**values)


def running_project(world: Any) -> Project:
    """A contracted project planned 0% on 1 March, 70% on 31 May, 100% on 30 September 2027."""
    project = new_project(world)
    new_contract(world, project)
    plan_set(
        actor=world.agency_operator_a,
        project=project,
        points=[(dt.date(2027, 5, 31), "70"), (dt.date(2027, 9, 30), "100")],
    )
    return project
