"""The demo's sizes: how much is generated below each kind of unit, and where.

``county`` and ``city`` keep villages and communities as the leaves that hold the members
(about 70 members per unit); ``province`` adds party branches below villages, enterprises and
schools (about 20 per unit), as the real grassroots organization does. ``tiny`` is for tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from . import geography as geo

Range = tuple[int, int]


@dataclass(frozen=True)
class Density:
    """How much the generator puts below one unit of each kind (inclusive ranges)."""

    province_departments: int = len(geo.DEPARTMENTS)
    province_offices: Range = (6, 14)
    universities: int = len(geo.UNIVERSITIES)
    colleges: Range = (10, 20)
    college_branches: Range = (2, 6)
    province_hospitals: int = len(geo.PROVINCIAL_HOSPITALS)
    province_hospital_branches: Range = (8, 15)
    province_enterprises: int = len(geo.PROVINCIAL_ENTERPRISES)
    subsidiaries: Range = (5, 10)
    subsidiary_branches: Range = (2, 5)
    city_departments: int = len(geo.DEPARTMENTS)
    city_offices: Range = (3, 6)
    city_schools: Range = (40, 80)
    city_school_branches: Range = (1, 3)
    city_hospitals: Range = (8, 16)
    hospital_branches: Range = (4, 10)
    city_enterprises: Range = (6, 10)
    city_subsidiaries: Range = (3, 8)
    county_departments: int = len(geo.DEPARTMENTS)
    county_offices: Range = (2, 4)
    county_schools: Range = (30, 60)
    school_branches: Range = (1, 3)
    county_hospitals: Range = (4, 10)
    county_hospital_branches: Range = (2, 6)
    townships: Range = (12, 22)
    township_offices: Range = (1, 3)
    villages: Range = (8, 16)
    village_branches: Range = (1, 4)
    township_enterprises: Range = (2, 8)
    enterprise_branches: Range = (0, 3)
    # Rank-and-file members of a unit with no sub-units, by profile.
    members: Mapping[str, Range] = field(
        default_factory=lambda: {
            "province_organ": (8, 25),
            "city_organ": (8, 25),
            "county_organ": (6, 20),
            "township_organ": (6, 18),
            "village": (20, 50),
            "community": (25, 60),
            "school": (10, 30),
            "university": (20, 60),
            "hospital": (15, 45),
            "enterprise": (8, 30),
        }
    )


# Towns and villages are the leaves (no branches below them) at the smaller scales.
LOCAL = Density(
    province_departments=10,
    province_offices=(2, 3),
    universities=1,
    colleges=(2, 2),
    college_branches=(1, 2),
    province_hospitals=1,
    province_hospital_branches=(2, 2),
    province_enterprises=1,
    subsidiaries=(1, 1),
    subsidiary_branches=(1, 1),
    city_departments=16,
    city_offices=(1, 2),
    city_schools=(0, 0),
    city_hospitals=(0, 0),
    city_enterprises=(0, 0),
    county_departments=12,
    county_offices=(1, 1),
    county_schools=(10, 14),
    school_branches=(0, 0),
    county_hospitals=(3, 3),
    county_hospital_branches=(2, 2),
    townships=(10, 16),
    township_offices=(1, 1),
    villages=(6, 10),
    village_branches=(0, 0),
    township_enterprises=(1, 2),
    enterprise_branches=(0, 0),
    members={
        "province_organ": (20, 40),
        "city_organ": (20, 40),
        "county_organ": (20, 40),
        "township_organ": (15, 30),
        "village": (60, 160),
        "community": (80, 200),
        "school": (30, 80),
        "university": (30, 60),
        "hospital": (30, 90),
        "enterprise": (15, 45),
    },
)

# A city that is there only so that a county of it can be administered (a few units).
MINIMAL = Density(
    city_departments=0,
    city_schools=(0, 0),
    city_hospitals=(0, 0),
    city_enterprises=(0, 0),
    county_departments=0,
    county_schools=(0, 0),
    county_hospitals=(0, 0),
    townships=(2, 2),
    township_offices=(0, 0),
    villages=(2, 2),
    village_branches=(0, 0),
    township_enterprises=(0, 0),
    members={"community": (20, 40), "village": (20, 40)},
)

# For the test suite only: every kind of unit, a few hundred members.
TINY = Density(
    province_departments=4,
    province_offices=(1, 1),
    universities=1,
    colleges=(1, 1),
    college_branches=(1, 1),
    province_hospitals=0,
    province_enterprises=0,
    city_departments=4,
    city_offices=(1, 1),
    city_schools=(0, 0),
    city_hospitals=(0, 0),
    city_enterprises=(0, 0),
    county_departments=4,
    county_offices=(1, 1),
    county_schools=(2, 2),
    school_branches=(0, 0),
    county_hospitals=(1, 1),
    county_hospital_branches=(1, 1),
    townships=(3, 3),
    township_offices=(1, 1),
    villages=(2, 2),
    village_branches=(0, 0),
    township_enterprises=(1, 1),
    enterprise_branches=(0, 0),
    members={
        "province_organ": (3, 6),
        "city_organ": (3, 6),
        "county_organ": (3, 6),
        "township_organ": (3, 6),
        "village": (5, 10),
        "community": (5, 10),
        "school": (3, 6),
        "university": (3, 6),
        "hospital": (3, 6),
        "enterprise": (3, 6),
    },
)


@dataclass(frozen=True)
class CityPlan:
    """A city of the scale: all its counties (``None``) or the named ones, and how dense."""

    number: int
    counties: tuple[str, ...] | None
    density: Density
    institutions: bool = True  # city departments, schools, hospitals, enterprises


@dataclass(frozen=True)
class Scale:
    """One size of the demo: what the province level holds and which cities are generated."""

    name: str
    description: str
    density: Density
    cities: tuple[CityPlan, ...]
    seed: int = 20191126  # the day of the third promotion conference


SCALES: dict[str, Scale] = {
    scale.name: scale
    for scale in (
        Scale(
            "tiny",
            "tests only: a few dozen units",
            TINY,
            (CityPlan(1, ("和平区",), TINY), CityPlan(2, ("中山区",), MINIMAL, False)),
        ),
        Scale(
            "county",
            "the province, Shenyang and its 和平区 fully populated (~290 units, ~19.5k members)",
            LOCAL,
            (CityPlan(1, ("和平区",), LOCAL), CityPlan(2, ("中山区",), MINIMAL, False)),
        ),
        Scale(
            "city",
            "the province and Shenyang fully populated (~2.8k units, ~220k members)",
            Density(
                province_departments=20,
                province_offices=(2, 4),
                universities=3,
                colleges=(3, 5),
                college_branches=(1, 2),
                province_hospitals=2,
                province_hospital_branches=(3, 5),
                province_enterprises=2,
                subsidiaries=(2, 3),
                subsidiary_branches=(1, 2),
                members=LOCAL.members,
            ),
            (
                CityPlan(
                    1,
                    None,
                    Density(
                        city_departments=24,
                        city_offices=(1, 3),
                        city_schools=(10, 14),
                        city_school_branches=(1, 2),
                        city_hospitals=(4, 6),
                        hospital_branches=(2, 4),
                        city_enterprises=(3, 5),
                        city_subsidiaries=(1, 3),
                        subsidiary_branches=(1, 2),
                        county_departments=12,
                        county_offices=(1, 1),
                        county_schools=(8, 12),
                        school_branches=(0, 0),
                        county_hospitals=(2, 3),
                        county_hospital_branches=(1, 2),
                        townships=(11, 16),
                        township_offices=(1, 1),
                        villages=(6, 9),
                        village_branches=(0, 0),
                        township_enterprises=(1, 2),
                        enterprise_branches=(0, 0),
                        members=LOCAL.members,
                    ),
                ),
                CityPlan(2, ("中山区",), MINIMAL, False),
            ),
        ),
        Scale(
            "province",
            "all 14 cities, 100 counties, the provincial departments (~145k units, ~3.2M members)",
            Density(),
            tuple(CityPlan(city.number, None, Density()) for city in geo.CITIES),
        ),
    )
}
