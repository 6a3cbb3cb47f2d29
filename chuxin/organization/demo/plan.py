# ruff: noqa: RUF001 - Chinese text uses full-width punctuation
"""The plan of the demo organization: every unit, its place in the tree and who sits in it.

Planning is pure Python and deterministic: each part of the tree draws from its own
``random.Random`` seeded with the scale's seed and the part's code, so a city looks the same
however the rest is generated. The plan holds units only (150,000 at province scale, a few
tens of megabytes); members are drawn later, unit by unit, from :mod:`.people`.

Codes are stable and say where a unit sits:

=========================  =================================================================
``LN``                     the province; ``LN00`` the provincial party committee
``LNcc``                   city ``cc`` (01 沈阳 … 14 葫芦岛, the official order)
``LNccnn``                 county-level division ``nn`` of the city (official order)
``LNccnnttt``              township or sub-district ``ttt``; ``LNccnntttvvv`` village / community
``…Dnn``                   department ``nn`` of the province, a city or a county
``…Snn`` ``…Hnn`` ``…Enn``  school, hospital, enterprise below a department or township
``…Cnn``                   college (学院党委) of a university
``…Bnn``                   party branch of the unit whose code comes before
=========================  =================================================================
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import NamedTuple

from ..models import CadreLevel, UnitKind
from . import geography as geo
from .names import (
    chinese_number,
    community_name,
    distinct,
    enterprise_name,
    place_name,
    street_name,
)
from .scales import CityPlan, Density, Scale

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4

PROVINCIAL = CadreLevel.PROVINCIAL.value
BUREAU = CadreLevel.BUREAU.value
COUNTY = CadreLevel.COUNTY.value
SECTION = CadreLevel.SECTION.value
ORDINARY = CadreLevel.ORDINARY.value


def path_step(position: int) -> str:
    """The 4-character base-36 step of treebeard's materialized path (1 → ``0001``)."""
    if not 0 < position < len(ALPHABET) ** STEPLEN:
        raise ValueError(f"no path step for position {position}")
    digits = ""
    while position:
        position, rest = divmod(position, len(ALPHABET))
        digits = ALPHABET[rest] + digits
    return digits.rjust(STEPLEN, "0")


class Seat(NamedTuple):
    """A named position in a unit (its head, a deputy ...), filled by one member.

    Heads and deputy heads of localities, departments and institutions are leading cadres;
    branch secretaries and village or community leaders are not.
    """

    position: str
    cadre_level: str
    leading: bool
    name: str = ""  # fixed name (the leading group); drawn at random when empty
    female: bool = False


@dataclass(slots=True, eq=False)
class PlannedUnit:
    """One unit of the plan, with its treebeard path and the members it will hold."""

    id: int
    code: str
    name: str
    kind: str
    path: str
    parent_id: int | None
    order: int
    numchild: int = 0
    seats: tuple[Seat, ...] = ()
    rank_and_file: int = 0
    profile: str = ""
    key: str = ""  # a department type key, for batch links

    @property
    def depth(self) -> int:
        return len(self.path) // STEPLEN

    @property
    def member_count(self) -> int:
        return len(self.seats) + self.rank_and_file


class Planner:
    """Lays out the tree depth-first, giving each unit its id, path, code and seats."""

    def __init__(self, scale: Scale, *, first_id: int = 1) -> None:
        self.scale = scale
        self.units: list[PlannedUnit] = []
        self._next_id = first_id
        self._roots = 0

    def rng(self, code: str) -> random.Random:
        """The random source of the part of the tree below ``code``."""
        return random.Random(f"{self.scale.seed}:{code}")

    def add(
        self,
        parent: PlannedUnit | None,
        code: str,
        name: str,
        kind: str,
        *,
        seats: tuple[Seat, ...] = (),
        profile: str = "",
        key: str = "",
    ) -> PlannedUnit:
        if parent is None:
            self._roots += 1
            path, order = path_step(self._roots), self._roots
        else:
            parent.numchild += 1
            path, order = parent.path + path_step(parent.numchild), parent.numchild
        unit = PlannedUnit(
            id=self._next_id,
            code=code,
            name=name,
            kind=kind,
            path=path,
            parent_id=parent.id if parent else None,
            order=order,
            seats=seats,
            profile=profile,
            key=key,
        )
        self._next_id += 1
        self.units.append(unit)
        return unit

    def staff(self, unit: PlannedUnit, rng: random.Random, density: Density) -> None:
        """Give a unit without sub-units its rank-and-file members (its profile's range)."""
        low, high = density.members.get(unit.profile, (0, 0))
        unit.rank_and_file = rng.randint(low, high)

    # --- The province -----------------------------------------------------------------------

    def plan(self) -> list[PlannedUnit]:
        """Plan the whole scale; returns the units in depth-first order."""
        density = self.scale.density
        province = self.add(None, geo.PROVINCE_CODE, geo.PROVINCE_NAME, UnitKind.PROVINCE)
        self.add(
            province,
            geo.PROVINCE_CODE + "00",
            geo.COMMITTEE_NAME,
            UnitKind.PARTY_COMMITTEE,
            seats=LEADING_GROUP_SEATS,
        )
        departments = _pick_departments([d for d in geo.DEPARTMENTS], density.province_departments)
        for number, kind in enumerate(departments, start=1):
            name = geo.department_name(kind, "province") or ""
            self.department(
                province, f"{geo.PROVINCE_CODE}D{number:02d}", name, kind, "province", density
            )
        for city_plan in self.scale.cities:
            self.city(province, city_plan)
        return self.units

    def department(
        self,
        parent: PlannedUnit,
        code: str,
        name: str,
        kind: geo.DepartmentType,
        level: str,
        density: Density,
        *,
        city: geo.City | None = None,
        locality: str = "",
    ) -> PlannedUnit:
        """A department with its leaders, the branches of its offices and its affiliates."""
        rng = self.rng(code)
        head_level, deputy_level, profile = {
            "province": (BUREAU, BUREAU, "province_organ"),
            "city": (BUREAU if city and city.sub_provincial else COUNTY, COUNTY, "city_organ"),
            "county": (SECTION, SECTION, "county_organ"),
        }[level]
        head = Seat(geo.head_title(name), head_level, True, female=rng.random() < 0.15)
        deputies = tuple(
            Seat(geo.deputy_title(name), deputy_level, True, female=rng.random() < 0.25)
            for _ in range(rng.randint(1, 3))
        )
        # The provincial organization department's minister sits in the leading group.
        seats = deputies if (level, kind.key) == ("province", "organization") else (head, *deputies)
        dept = self.add(parent, code, name, UnitKind.DEPARTMENT, seats=seats, key=kind.key)
        offices = {
            "province": density.province_offices,
            "city": density.city_offices,
            "county": density.county_offices,
        }[level]
        for number, office in enumerate(
            rng.sample(geo.OFFICES, min(rng.randint(*offices), len(geo.OFFICES))), start=1
        ):
            self.branch(
                dept, f"{code}B{number:02d}", f"{name}{office}党支部", profile, rng, density
            )
        if not dept.numchild:
            dept.profile = profile
            self.staff(dept, rng, density)
        if kind.affiliates == "schools":
            self.schools(dept, code, level, rng, density, city=city, locality=locality)
        elif kind.affiliates == "hospitals":
            self.hospitals(dept, code, level, rng, density, city=city, locality=locality)
        elif kind.affiliates == "enterprises":
            self.enterprises(dept, code, level, rng, density, city=city)
        return dept

    def branch(
        self,
        parent: PlannedUnit,
        code: str,
        name: str,
        profile: str,
        rng: random.Random,
        density: Density,
    ) -> PlannedUnit:
        """A party branch: its secretary and its rank-and-file members."""
        level = {"province_organ": COUNTY, "city_organ": SECTION}.get(profile, ORDINARY)
        seats = (Seat("党支部书记", level, False, female=rng.random() < 0.3),)
        unit = self.add(parent, code, name, UnitKind.BRANCH, seats=seats, profile=profile)
        self.staff(unit, rng, density)
        return unit

    def branches(
        self,
        parent: PlannedUnit,
        count: int,
        profile: str,
        rng: random.Random,
        density: Density,
        labels: tuple[str, ...] = (),
    ) -> None:
        """``count`` numbered branches below ``parent`` (or none: the parent holds the members)."""
        if count <= 0:
            parent.profile = parent.profile or profile
            self.staff(parent, rng, density)
            return
        for number in range(1, count + 1):
            label = labels[(number - 1) % len(labels)] if labels else ""
            self.branch(
                parent,
                f"{parent.code}B{number:02d}",
                f"{parent.name}{label or '第' + chinese_number(number)}党支部",
                profile,
                rng,
                density,
            )

    def schools(
        self,
        parent: PlannedUnit,
        code: str,
        level: str,
        rng: random.Random,
        density: Density,
        *,
        city: geo.City | None,
        locality: str,
    ) -> None:
        if level == "province":
            for number, university in enumerate(geo.UNIVERSITIES[: density.universities], start=1):
                self.university(parent, f"{code}S{number:02d}", university, density)
            return
        count = rng.randint(*(density.city_schools if level == "city" else density.county_schools))
        names = _school_names(rng, locality, count, level)
        for number, name in enumerate(names, start=1):
            seats = (
                Seat("党支部书记、校长", SECTION, True, female=rng.random() < 0.4),
                Seat("副校长", SECTION, True, female=rng.random() < 0.5),
            )
            school = self.add(
                parent,
                f"{code}S{number:02d}",
                name,
                UnitKind.SCHOOL,
                seats=seats,
                profile="school",
            )
            branch_range = (
                density.city_school_branches if level == "city" else (density.school_branches)
            )
            self.branches(
                school,
                rng.randint(*branch_range),
                "school",
                rng,
                density,
                labels=("教工第一", "教工第二", "退休教师"),
            )

    def university(self, parent: PlannedUnit, code: str, name: str, density: Density) -> None:
        rng = self.rng(code)
        seats = (
            Seat("党委书记", BUREAU, True),
            Seat("校长", BUREAU, True),
            *(Seat("副校长", BUREAU, True, female=rng.random() < 0.3) for _ in range(2)),
        )
        university = self.add(parent, code, name, UnitKind.SCHOOL, seats=seats)
        colleges = rng.sample(geo.COLLEGES, min(rng.randint(*density.colleges), len(geo.COLLEGES)))
        for number, college in enumerate(colleges, start=1):
            seats = (
                Seat("党委书记", COUNTY, True, female=rng.random() < 0.3),
                Seat("院长", COUNTY, True, female=rng.random() < 0.25),
            )
            unit = self.add(
                university,
                f"{code}C{number:02d}",
                f"{name}{college}党委",
                UnitKind.PARTY_COMMITTEE,
                seats=seats,
            )
            count = rng.randint(*density.college_branches)
            labels = ("教工第一", "学生第一", "研究生第一", "教工第二", "学生第二", "研究生第二")
            self.branches(unit, count, "university", rng, density, labels=labels)

    def hospitals(
        self,
        parent: PlannedUnit,
        code: str,
        level: str,
        rng: random.Random,
        density: Density,
        *,
        city: geo.City | None,
        locality: str,
    ) -> None:
        if level == "province":
            names = list(geo.PROVINCIAL_HOSPITALS[: density.province_hospitals])
            branch_range = density.province_hospital_branches
        elif level == "city":
            names = _hospital_names(rng, locality, rng.randint(*density.city_hospitals))
            branch_range = density.hospital_branches
        else:
            names = _hospital_names(rng, locality, rng.randint(*density.county_hospitals))
            branch_range = density.county_hospital_branches
        head_level = SECTION if level == "county" else COUNTY
        for number, name in enumerate(names, start=1):
            seats = (
                Seat("党委书记", head_level, True, female=rng.random() < 0.3),
                Seat("院长", head_level, True, female=rng.random() < 0.3),
                Seat("副院长", head_level, True, female=rng.random() < 0.4),
            )
            hospital = self.add(
                parent,
                f"{code}H{number:02d}",
                name,
                UnitKind.HOSPITAL,
                seats=seats,
                profile="hospital",
            )
            count = min(rng.randint(*branch_range), len(geo.HOSPITAL_DEPARTMENTS))
            labels = tuple(rng.sample(geo.HOSPITAL_DEPARTMENTS, count))
            self.branches(hospital, count, "hospital", rng, density, labels=labels)

    def enterprises(
        self,
        parent: PlannedUnit,
        code: str,
        level: str,
        rng: random.Random,
        density: Density,
        *,
        city: geo.City | None,
    ) -> None:
        """State-owned enterprises of the province or a city, their subsidiaries and branches."""
        if level == "province":
            names = list(geo.PROVINCIAL_ENTERPRISES[: density.province_enterprises])
            top, subsidiaries = (BUREAU, COUNTY), density.subsidiaries
        else:
            short = city.short if city else ""
            count = min(rng.randint(*density.city_enterprises), len(geo.CITY_ENTERPRISES))
            names = [short + suffix for suffix in geo.CITY_ENTERPRISES[:count]]
            top, subsidiaries = (COUNTY, SECTION), density.city_subsidiaries
        for number, name in enumerate(names, start=1):
            seats = (
                Seat("党委书记、董事长", top[0], True, female=rng.random() < 0.1),
                Seat("总经理", top[0], True, female=rng.random() < 0.15),
                Seat("副总经理", top[1], True, female=rng.random() < 0.2),
            )
            ent_code = f"{code}E{number:02d}"
            enterprise = self.add(parent, ent_code, name, UnitKind.ENTERPRISE, seats=seats)
            short_name = name.replace("（集团）", "").split("有限")[0].removesuffix("集团")
            count = min(rng.randint(*subsidiaries), len(geo.SUBSIDIARIES))
            for sub_number, suffix in enumerate(rng.sample(geo.SUBSIDIARIES, count), start=1):
                subsidiary = self.add(
                    enterprise,
                    f"{ent_code}E{sub_number:02d}",
                    short_name + suffix,
                    UnitKind.ENTERPRISE,
                    seats=(Seat("经理", top[1], True, female=rng.random() < 0.2),),
                    profile="enterprise",
                )
                self.branches(
                    subsidiary,
                    rng.randint(*density.subsidiary_branches),
                    "enterprise",
                    rng,
                    density,
                )

    # --- Cities and counties ----------------------------------------------------------------

    def city(self, province: PlannedUnit, plan: CityPlan) -> None:
        city = geo.CITIES[plan.number - 1]
        code = f"{geo.PROVINCE_CODE}{city.number:02d}"
        rng = self.rng(code)
        secretary_level = PROVINCIAL if city.sub_provincial else BUREAU
        seats = (
            Seat(
                "省委常委、市委书记" if city.sub_provincial else "市委书记", secretary_level, True
            ),
            Seat("市委副书记、市长", secretary_level, True),
            Seat("市委副书记", BUREAU, True, female=rng.random() < 0.2),
            Seat("市委常委、常务副市长", BUREAU, True),
            *(Seat("副市长", BUREAU, True, female=rng.random() < 0.25) for _ in range(3)),
        )
        unit = self.add(province, code, city.name, UnitKind.CITY, seats=seats)
        density = plan.density
        if plan.institutions:
            kinds = _pick_departments(
                [d for d in geo.DEPARTMENTS if d.city], density.city_departments
            )
            for number, kind in enumerate(kinds, start=1):
                self.department(
                    unit,
                    f"{code}D{number:02d}",
                    geo.department_name(kind, "city", city.name) or "",
                    kind,
                    "city",
                    density,
                    city=city,
                    locality=city.name,
                )
        for number, county in enumerate(city.counties, start=1):
            if plan.counties is None or county in plan.counties:
                self.county(unit, city, number, county, density)

    def county(
        self, city_unit: PlannedUnit, city: geo.City, number: int, name: str, density: Density
    ) -> None:
        code = f"{city_unit.code}{number:02d}"
        rng = self.rng(code)
        suffix = "区" if name.endswith("区") else "市" if name.endswith("市") else "县"
        head = {"区": "区长", "市": "市长", "县": "县长"}[suffix]
        seats = (
            Seat(f"{suffix}委书记", COUNTY, True, female=rng.random() < 0.1),
            Seat(f"{suffix}委副书记、{head}", COUNTY, True, female=rng.random() < 0.15),
            Seat(f"{suffix}委副书记", COUNTY, True, female=rng.random() < 0.2),
            *(Seat(f"副{head}", COUNTY, True, female=rng.random() < 0.25) for _ in range(2)),
        )
        county = self.add(city_unit, code, name, UnitKind.COUNTY, seats=seats)
        kinds = _pick_departments(
            [d for d in geo.DEPARTMENTS if d.county], density.county_departments
        )
        for dept_number, kind in enumerate(kinds, start=1):
            self.department(
                county,
                f"{code}D{dept_number:02d}",
                geo.department_name(kind, "county", name) or "",
                kind,
                "county",
                density,
                city=city,
                locality=name,
            )
        self.townships(county, city, name, rng, density)

    def townships(
        self, county: PlannedUnit, city: geo.City, name: str, rng: random.Random, density: Density
    ) -> None:
        urban = geo.is_urban_district(name)
        count = rng.randint(*density.townships)
        real = geo.REAL_STREETS.get(city.name + name, ())
        if real:
            names = [f"{street}街道" for street in real[: density.townships[1]]]
        elif urban:
            names = [f"{n}街道" for n in distinct(rng, street_name, count)]
        else:
            places = distinct(rng, place_name, count)
            ethnic = "满族" if "满族" in name else "蒙古族" if "蒙古族" in name else ""
            names = []
            for index, place in enumerate(places):
                if index < 2:
                    names.append(f"{place}街道")
                elif rng.random() < 0.25:
                    names.append(f"{place}{ethnic if rng.random() < 0.4 else ''}乡")
                else:
                    names.append(f"{place}镇")
        for number, township in enumerate(names, start=1):
            self.township(county, f"{county.code}{number:03d}", township, city, density)

    def township(
        self, county: PlannedUnit, code: str, name: str, city: geo.City, density: Density
    ) -> None:
        rng = self.rng(code)
        if name.endswith("街道"):
            titles = ("党工委书记", "党工委副书记、办事处主任", "党工委副书记", "办事处副主任")
        elif name.endswith("乡"):
            titles = ("党委书记", "党委副书记、乡长", "党委副书记", "副乡长")
        else:
            titles = ("党委书记", "党委副书记、镇长", "党委副书记", "副镇长")
        seats = tuple(Seat(title, SECTION, True, female=rng.random() < 0.2) for title in titles)
        township = self.add(county, code, name, UnitKind.TOWNSHIP, seats=seats)
        for number in range(1, rng.randint(*density.township_offices) + 1):
            self.branch(
                township,
                f"{code}B{number:02d}",
                f"{name}机关第{chinese_number(number)}党支部",
                "township_organ",
                rng,
                density,
            )
        street = name.endswith("街道")
        count = rng.randint(*density.villages)
        if street:
            village_names = [f"{n}社区" for n in distinct(rng, community_name, count)]
        else:
            village_names = [f"{n}村" for n in distinct(rng, place_name, count)]
        for number, village in enumerate(village_names, start=1):
            profile = "community" if street else "village"
            seats = (
                Seat(
                    "党委书记、居委会主任" if street else "党支部书记、村委会主任",
                    ORDINARY,
                    False,
                    female=rng.random() < (0.5 if street else 0.15),
                ),
                Seat("党组织副书记", ORDINARY, False, female=rng.random() < 0.4),
            )
            unit = self.add(
                township,
                f"{code}{number:03d}",
                village,
                UnitKind.VILLAGE,
                seats=seats,
                profile=profile,
            )
            self.branches(unit, rng.randint(*density.village_branches), profile, rng, density)
        enterprise_names = distinct(
            rng,
            lambda r: enterprise_name(r, city.short),
            rng.randint(*density.township_enterprises),
        )
        for number, enterprise in enumerate(enterprise_names, start=1):
            seats = (Seat("党组织书记", ORDINARY, False, female=rng.random() < 0.2),)
            unit = self.add(
                township,
                f"{code}E{number:02d}",
                enterprise,
                UnitKind.ENTERPRISE,
                seats=seats,
                profile="enterprise",
            )
            self.branches(
                unit, rng.randint(*density.enterprise_branches), "enterprise", rng, density
            )


LEADING_GROUP_SEATS: tuple[Seat, ...] = tuple(
    Seat(position, BUREAU if role == "office_director" else PROVINCIAL, True, name=name)
    for name, role, position, _title in geo.LEADING_GROUP
)

# When a scale keeps only some departments, it keeps these first (the linked ones and the
# organization and publicity departments), then the rest in the usual order.
_PREFERRED = ("organization", "publicity", *geo.LINKED_DEPARTMENTS, "general_office")


def _pick_departments(kinds: list[geo.DepartmentType], count: int) -> list[geo.DepartmentType]:
    if count >= len(kinds):
        return kinds
    ranked = sorted(
        kinds,
        key=lambda d: _PREFERRED.index(d.key) if d.key in _PREFERRED else len(_PREFERRED),
    )
    keep = {d.key for d in ranked[:count]}
    return [d for d in kinds if d.key in keep]


def _school_names(rng: random.Random, locality: str, count: int, level: str) -> list[str]:
    """School names of a city or county: 实验中学, 第N中学, 第N小学, 职业教育中心 ..."""
    names = [f"{locality}实验中学", f"{locality}实验小学", f"{locality}职业教育中心"]
    if level == "city":
        numbers = sorted(rng.sample(range(1, 181), max(count, 1)))
        names += [f"{locality}第{n}中学" for n in numbers]
    else:
        half = count // 2 + 1
        names += [f"{locality}第{chinese_number(n)}中学" for n in range(1, half + 1)]
        names += [f"{locality}第{chinese_number(n)}小学" for n in range(1, count - half + 2)]
        names += [f"{locality}第{chinese_number(n)}幼儿园" for n in range(1, 4)]
    return names[:count]


def _hospital_names(rng: random.Random, locality: str, count: int) -> list[str]:
    names = [
        f"{locality}人民医院",
        f"{locality}中医院",
        f"{locality}妇幼保健院",
        f"{locality}第二人民医院",
        f"{locality}中心医院",
        f"{locality}儿童医院",
        f"{locality}传染病医院",
        f"{locality}精神卫生中心",
        f"{locality}第三人民医院",
        f"{locality}口腔医院",
        f"{locality}肿瘤医院",
        f"{locality}康复医院",
        f"{locality}第四人民医院",
        f"{locality}第五人民医院",
        f"{locality}眼科医院",
        f"{locality}骨科医院",
    ]
    return names[:count]


def plan(scale: Scale, *, first_id: int = 1) -> list[PlannedUnit]:
    """Every unit of the scale, depth-first, with ids from ``first_id``."""
    return Planner(scale, first_id=first_id).plan()
