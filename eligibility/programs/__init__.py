"""The programs of 临州府发〔2019〕3号, one module each, in the order residents meet them.

To add a program: write a module with a `PROGRAM`, list it here, add its steps to
eligibility/data/procedures.yaml and its personas to tests/test_eligibility_personas.py.
"""

from __future__ import annotations

from eligibility.model import Program
from eligibility.programs import (
    employment_assistance,
    graduate_grassroots,
    in_job_training,
    incubation_base,
    internship,
    job_retention_refund,
    returnee_startup,
    rural_public_jobs,
    skills_upgrade_subsidy,
    startup_loan,
    unemployed_training,
)

PROGRAMS: tuple[Program, ...] = tuple(
    m.PROGRAM
    for m in (
        internship,
        skills_upgrade_subsidy,
        job_retention_refund,
        startup_loan,
        unemployed_training,
        in_job_training,
        employment_assistance,
        returnee_startup,
        rural_public_jobs,
        graduate_grassroots,
        incubation_base,
    )
)
