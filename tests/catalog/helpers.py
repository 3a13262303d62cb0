"""Small catalog files built in tests (the bundled sample is tested separately)."""

from __future__ import annotations

import copy
import json
from typing import Any

PROVIDER = {"code": "test-school", "name": {"en": "Test School", "km": "សាលាសាកល្បង"}, "country": "KH"}

COURSE: dict[str, Any] = {
    "code": "ELEC-1",
    "title": {"km": "ការតម្លើងអគ្គិសនីក្នុងផ្ទះ", "en": "Residential Electrical Wiring"},
    "description": {"en": "Install wiring, switches and sockets in homes safely."},
    "skills": ["house wiring", "ការតម្លើងខ្សែភ្លើង"],
    "keywords": ["electrician", "ជាងភ្លើង"],
    "sector": "electrical",
    "level": 2,
    "duration_hours": 120,
    "cost": {"amount": 0, "currency": "USD"},
    "delivery": "in_person",
    "country": "KH",
    "province": "Battambang",
    "language_of_instruction": "km",
    "schedule": ["weekdays"],
    "eligibility": {"women_only": False, "min_age": 16, "max_age": None},
    "start_dates": ["2027-01-11"],
    "learning_outcomes": {"en": ["Read a wiring plan"]},
    "assessment": {"en": "Practical test"},
    "quality_assurance": {"en": "CQF level 2"},
    "stackable_into": [],
    "url": "https://example.org/elec-1",
    "active": True,
}


def course(**changes: Any) -> dict[str, Any]:
    c = copy.deepcopy(COURSE)
    c.update(changes)
    return c


def catalog_json(*courses: dict[str, Any], provider: dict[str, Any] | None = None) -> bytes:
    return json.dumps({"provider": provider or PROVIDER, "courses": list(courses)}, ensure_ascii=False).encode()


CSV_HEADER = ("code,title_km,title_en,skills,sector,level,duration_hours,cost_amount,cost_currency,delivery,"
              "country,province,language_of_instruction,schedule")


def csv_row(code: str = "SEW-1", title_en: str = "Sewing", cost: str = "0", province: str = "Takeo") -> str:
    return (f'{code},កាត់ដេរ,"{title_en}","sewing; ការកាត់ដេរ",garment,1,80,{cost},USD,in_person,KH,'
            f"{province},km,weekdays;weekends")
