"""Controlled vocabularies: the codes each coded field may take.

The codes are the contract and live here, as ``Literal`` types, so that the models, the JSON
Schema and the Arrow schema all enumerate them. Their labels (zh, en) and definitions live in
``raw/vocabularies/<name>.toml`` and ship as the ``vocabularies`` table; a check makes sure the
two never drift apart (``vocabulary-drift``).
"""

from __future__ import annotations

from typing import Literal, get_args

ReformKind = Literal[
    "strategy",
    "development_goal",
    "mechanism",
    "reform",
    "pilot",
    "micro_reform",
    "institution",
]

ReformStatus = Literal["implemented", "ongoing", "planned"]

Domain = Literal[
    "governance",
    "party_building",
    "regional_coordination",
    "industry",
    "investment",
    "state_owned_enterprises",
    "finance",
    "land",
    "energy_resources",
    "forestry",
    "science_technology",
    "business_environment",
    "public_procurement",
    "integrity",
    "urban_management",
    "public_services",
    "social_welfare",
    "disability",
    "elderly_care",
    "employment",
    "transport",
    "healthcare_insurance",
    "agriculture",
]

Unit = Literal[
    "CNY",
    "count",
    "mu",
    "hectare",
    "kWh",
    "tonne",
    "cubic_metre",
    "working_day",
    "year",
    "rank",
    "unstated",
]

Qualifier = Literal["exact", "at_least", "more_than", "approximately", "order_of_magnitude"]

MetricStatus = Literal["achieved", "target", "ongoing"]

OrganizationKind = Literal[
    "party_committee",
    "party_commission",
    "party_office",
    "government_department",
    "people_organization",
    "development_zone",
    "state_owned_enterprise",
    "innovation_platform",
    "research_group",
]

RecognitionKind = Literal["typical_case", "designation", "acknowledgement"]

#: CAP (Comparative Agendas Project) master codebook major topics. There is no 11 or 22.
CapMajorTopic = Literal[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 23]

#: vocabulary name -> its codes, in the order they are declared.
VOCABULARIES: dict[str, tuple[str | int, ...]] = {
    "reform_kind": get_args(ReformKind),
    "reform_status": get_args(ReformStatus),
    "domain": get_args(Domain),
    "unit": get_args(Unit),
    "qualifier": get_args(Qualifier),
    "metric_status": get_args(MetricStatus),
    "organization_kind": get_args(OrganizationKind),
    "recognition_kind": get_args(RecognitionKind),
    "cap_major_topic": get_args(CapMajorTopic),
}
