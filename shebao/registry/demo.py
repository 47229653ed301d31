"""Registry demo data: persons and employers of the fictional 示范省, made through the services.

Everything goes through `shebao.registry.services` (person_register, employer_register,
staff_increase / staff_decrease, enrolment_transfer, enrolment_create, person_set_status), so the
data pass every rule, every change is in the history and the audit log. Deterministic for a seed
(`random.Random(seed)`), and run once: a marker audit event (`registry.demo_seeded`) says it is done.

What is made:
- persons with realistic Chinese names and valid 公民身份号码 (real birthplace county codes that
  python-stdnum knows, birth dates 1950–2006, the gender digit and the check digit right);
- employers with valid 统一社会信用代码 (91 enterprises, 12 public institutions, 52 social
  organisations, 92 individual businesses; the region part is the demo county's made-up code),
  industries with their work-injury risk class, spread over the demo counties;
- most working-age persons employed (增员), some moved between employers over the years (减员 then
  增员, or a transfer), some who left; residents in the residents' pension and medical insurance,
  flexible workers, a few land-lost farmers, a few deceased; a few deliberate possible duplicates
  (same name and birth date, another ID number); one employer owing contributions.
"""

from __future__ import annotations

import datetime
import json
import random
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric, uscc

from shebao.audit.models import AuditEvent
from shebao.audit.services import audit_record
from shebao.core.models import Region
from shebao.demo.province import CITIES, demo_province_create
from shebao.registry import services
from shebao.registry.models import (
    Employer,
    EmployerType,
    Enrolment,
    HouseholdType,
    Person,
    PersonStatus,
    PossibleDuplicate,
    RecordChange,
)

WORDS_FILE = Path(__file__).resolve().parent / "data" / "demo_people.json"
MARKER_ACTION = "registry.demo_seeded"
ARREARS_ACTION = "registry.demo_arrears_set"

# The demo's "today": dates are drawn up to here (or up to the real today, if that is earlier).
DEMO_AS_OF = datetime.date(2026, 11, 1)
TELLER_COUNTY = "990121"  # 青河县, where the demo teller works (demo.province)
# Share of persons and employers per county: the teller's county gets the most.
COUNTY_WEIGHTS = {"990121": 4, "990122": 2, "990102": 2, "990221": 2, "990222": 1}
# (type, credit-code prefix (registration authority + kind), weight)
EMPLOYER_KINDS = (
    (EmployerType.ENTERPRISE, "91", 76),
    (EmployerType.PUBLIC_INSTITUTION, "12", 10),
    (EmployerType.SOCIAL_ORGANISATION, "52", 6),
    (EmployerType.INDIVIDUAL_BUSINESS, "92", 8),
)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
DUPLICATES = 4
# What `demo_seed` makes by default. Every person goes through the services (about 30 ms of CPU each
# on SQLite: registration, 5 enrolments, history and audit), so 3000 persons took ~90 s of CPU
# (200 s on a busy 2-core machine); 2000 keep the seed near a minute.
DEMO_PERSONS = 2000
DEMO_EMPLOYERS = 100
ARREARS = Decimal("186420.50")


@cache
def demo_words() -> dict[str, Any]:
    """The word lists (surnames, given-name characters, birthplaces, industries …)."""
    return json.loads(WORDS_FILE.read_text(encoding="utf-8"))


# --- numbers -------------------------------------------------------------------------------------


def id_number_for(place: str, birth: datetime.date, sequence: int, gender: str) -> str:
    """A valid 公民身份号码: 6-digit birthplace, birth date, 3-digit sequence (odd for men), check."""
    seq = sequence % 1000
    if (seq % 2 == 1) != (gender == "M"):
        seq = seq + 1 if seq < 999 else seq - 1
    body = f"{place}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum ignores the last character


def credit_code_for(prefix: str, region_code: str, organisation: str) -> str:
    """A valid 统一社会信用代码: prefix (e.g. 91), 6-digit region, 9-character organisation code, check."""
    body = f"{prefix}{region_code}{organisation}"
    return body + uscc.calc_check_digit(body)


# --- the generator ---------------------------------------------------------------------------------


@dataclass
class _County:
    county: Region
    townships: list[Region]


class _Demo:
    def __init__(self, *, rng: random.Random, by: Any, as_of: datetime.date) -> None:
        self.rng = rng
        self.by = by
        self.as_of = as_of
        self.words = demo_words()
        self.counts: dict[str, int] = {
            "persons": 0,
            "employers": 0,
            "employed": 0,
            "moved": 0,
            "transferred": 0,
            "left": 0,
            "retired": 0,
            "residents": 0,
            "flexible": 0,
            "land_lost": 0,
            "deceased": 0,
            "duplicates": 0,
        }
        self.ids: set[str] = set()
        self.names: set[str] = set()
        surnames = self.words["surnames"]
        self.surnames = [s for s, _w in surnames]
        self.surname_weights = [w for _s, w in surnames]

    # regions ---------------------------------------------------------------------------------

    def counties(self) -> list[_County]:
        codes = [county[0] for _c, _zh, _en, counties in CITIES for county in counties]
        regions = {r.code: r for r in Region.objects.filter(code__in=codes)}
        found = []
        for code in codes:
            county = regions[code]
            townships = list(Region.objects.filter(parent=county).order_by("code"))
            found.append(_County(county, townships))
        return found

    def pick_county(self, counties: list[_County]) -> _County:
        return self.rng.choices(counties, weights=[COUNTY_WEIGHTS.get(c.county.code, 1) for c in counties])[0]

    # people ----------------------------------------------------------------------------------

    def name(self, gender: str) -> str:
        surname = self.rng.choices(self.surnames, weights=self.surname_weights)[0]
        chars = self.words["given_male" if gender == "M" else "given_female"]
        given = self.rng.choice(chars)
        if self.rng.random() < 0.7:
            given += self.rng.choice(chars)
        return surname + given

    def phone(self) -> str:
        return "1" + self.rng.choice("3456789") + "".join(self.rng.choice("0123456789") for _ in range(9))

    def birth_date(self) -> datetime.date:
        start = datetime.date(1950, 1, 1).toordinal()
        end = datetime.date(2006, 12, 31).toordinal()
        return datetime.date.fromordinal(self.rng.randint(start, end))

    def new_id(self, birth: datetime.date, gender: str, place: str | None = None) -> str:
        while True:
            place = place or self.rng.choice(self.words["birthplaces"])[0]
            number = id_number_for(place, birth, self.rng.randint(0, 999), gender)
            if number not in self.ids:
                self.ids.add(number)
                return number
            place = None

    def person_data(
        self, county: _County, *, name: str = "", birth: datetime.date | None = None, gender: str = ""
    ) -> tuple[dict[str, Any], Region]:
        rng = self.rng
        gender = gender or rng.choice("MF")
        birth = birth or self.birth_date()
        region = rng.choice([county.county, *county.townships])
        rural = rng.random() < (0.6 if region is not county.county else 0.25)
        if rural:
            address = f"{region.name_zh}{rng.choice(self.words['villages'])}{rng.randint(1, 120)}号"
        else:
            address = (
                f"{county.county.name_zh}{rng.choice(self.words['streets'])}{rng.randint(1, 300)}号"
                f"{rng.randint(1, 12)}栋{rng.randint(1, 6)}0{rng.randint(1, 4)}室"
            )
        data: dict[str, Any] = {
            "id_number": self.new_id(birth, gender),
            "name": name or self.name(gender),
            "gender": gender,
            "birth_date": birth,
            "phone": self.phone(),
            "address": address,
            "household_type": HouseholdType.RURAL if rural else HouseholdType.URBAN,
        }
        if rng.random() < 0.6:
            data["bank_name"] = rng.choice(self.words["banks"])
            data["bank_account"] = "6217" + "".join(rng.choice("0123456789") for _ in range(15))
        return data, region

    def register(self, county: _County, **kwargs: Any) -> Person:
        data, region = self.person_data(county, **kwargs)
        person = services.person_register(data=data, region=region, by=self.by)
        self.counts["persons"] += 1
        return person

    # employers -------------------------------------------------------------------------------

    def employer_data(self, county: _County) -> tuple[dict[str, Any], int]:
        rng = self.rng
        employer_type, prefix, _w = rng.choices(EMPLOYER_KINDS, weights=[k[2] for k in EMPLOYER_KINDS])[0]
        county_name = county.county.name_zh
        for _attempt in range(50):
            if employer_type == EmployerType.ENTERPRISE:
                spec = rng.choice(self.words["industries"])
                name = f"示范省{county_name}{rng.choice(self.words['enterprise_brands'])}{spec['suffix']}"
            else:
                pool = {
                    EmployerType.PUBLIC_INSTITUTION: "institutions",
                    EmployerType.SOCIAL_ORGANISATION: "social_orgs",
                    EmployerType.INDIVIDUAL_BUSINESS: "individual_businesses",
                }[employer_type]
                spec = rng.choice(self.words[pool])
                surname = rng.choices(self.surnames[:30], weights=self.surname_weights[:30])[0]
                name = spec["name"].format(county=county_name, surname=surname)
            if name not in self.names:
                break
        else:
            name = f"{name}{len(self.names)}"
        self.names.add(name)
        if employer_type == EmployerType.ENTERPRISE:
            organisation = "MA" + "".join(rng.choice(USCC_ALPHABET) for _ in range(7))
        else:
            organisation = "".join(rng.choice("0123456789") for _ in range(8)) + rng.choice(USCC_ALPHABET)
        representative = self.name(rng.choice("MF"))
        data = {
            "credit_code": credit_code_for(prefix, county.county.code, organisation),
            "name": name,
            "employer_type": employer_type,
            "industry": spec["industry"],
            "injury_risk_class": spec["risk"],
            "legal_representative": representative,
            "contact_name": representative
            if employer_type == EmployerType.INDIVIDUAL_BUSINESS
            else self.name(rng.choice("MF")),
            "contact_phone": f"0999-{rng.randint(2000000, 8999999)}",
            "address": f"{county_name}{rng.choice(self.words['streets'])}{rng.randint(1, 400)}号",
            "bank_name": rng.choice(self.words["banks"]),
            "bank_account": "".join(rng.choice("0123456789") for _ in range(19)),
        }
        low, high = spec["size"]
        return data, rng.randint(low, high)

    # dates -----------------------------------------------------------------------------------

    def day_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        if end <= start:
            return start
        return datetime.date.fromordinal(self.rng.randint(start.toordinal(), end.toordinal()))


def _years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


# --- the seed ------------------------------------------------------------------------------------


def registry_demo_seeded() -> bool:
    return AuditEvent.objects.filter(action=MARKER_ACTION).exists()


@transaction.atomic
def demo_employer_arrears_set(*, employer: Employer, amount: Decimal, by: Any) -> Employer:
    """DEMO ONLY: record contributions owed by an employer, until the contributions app owns arrears.

    Writes the field and its audit event in one transaction; used to show that deregistration is
    refused while contributions are owed.
    """
    locked = Employer.objects.select_for_update().select_related("region").get(pk=employer.pk)
    old = locked.arrears
    locked.arrears = amount
    locked.save(update_fields=["arrears", "updated_at"])
    audit_record(
        actor=by,
        action=ARREARS_ACTION,
        subject=locked,
        region_code=locked.region.code,
        old={"arrears": str(old)},
        new={"arrears": str(amount)},
        extra={"demo": True},
    )
    employer.arrears = amount
    return locked


def seed_registry(
    *, by: Any = None, persons: int = 3000, employers: int = 100, seed: int = 2026
) -> dict[str, Any]:
    """Create the registry demo data once; returns what was made ({"skipped": True} if it was there)."""
    if registry_demo_seeded():
        return {"skipped": True}
    with transaction.atomic():
        if not Region.objects.filter(code=TELLER_COUNTY).exists():
            demo_province_create(by=by)
        return _seed(by=by, persons=persons, employers=employers, seed=seed)


def _seed(*, by: Any, persons: int, employers: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    as_of = min(DEMO_AS_OF, timezone.localdate())
    demo = _Demo(rng=rng, by=by, as_of=as_of)
    counties = demo.counties()

    # Employers, each with a planned size used as its weight when people are placed.
    employer_list: list[Employer] = []
    sizes: list[int] = []
    for _ in range(employers):
        county = demo.pick_county(counties)
        data, size = demo.employer_data(county)
        employer_list.append(services.employer_register(data=data, region=county.county, by=by))
        sizes.append(size)
        demo.counts["employers"] += 1

    def pick_employer(exclude: Employer | None = None) -> Employer:
        while True:
            chosen = rng.choices(employer_list, weights=sizes)[0]
            if chosen is not exclude or len(employer_list) == 1:
                return chosen

    land_lost_left = max(2, persons // 150)
    deceased_left = max(2, persons // 300)
    registered: list[Person] = []
    for _ in range(persons):
        county = demo.pick_county(counties)
        person = demo.register(county)
        registered.append(person)
        _enrol(demo, person, pick_employer)
        if person.household_type == HouseholdType.RURAL and land_lost_left and rng.random() < 0.05:
            if _land_lost(demo, person):
                land_lost_left -= 1
        if deceased_left and _age(person, as_of) >= 70 and rng.random() < 0.05:
            if _decease(demo, person):
                deceased_left -= 1

    # Deliberate possible duplicates: the same name and birth date under another ID number.
    for person in rng.sample(registered, min(DUPLICATES, len(registered))):
        county = next(c for c in counties if person.region.code.startswith(c.county.code))
        demo.register(county, name=person.name, birth=person.birth_date, gender=person.gender)
        demo.counts["duplicates"] += 1

    # One employer owes contributions (the biggest enterprise of the teller's county).
    in_teller_county = [
        (size, e) for e, size in zip(employer_list, sizes, strict=True) if e.region.code == TELLER_COUNTY
    ]
    if in_teller_county:
        debtor = max(in_teller_county, key=lambda pair: pair[0])[1]
        demo_employer_arrears_set(employer=debtor, amount=ARREARS, by=by)
        demo.counts["arrears_employer"] = debtor.pk

    audit_record(actor=by, action=MARKER_ACTION, extra={"seed": seed, **demo.counts})
    return {"skipped": False, **demo.counts}


def _age(person: Person, on: datetime.date) -> int:
    return (
        on.year
        - person.birth_date.year
        - ((on.month, on.day) < (person.birth_date.month, person.birth_date.day))
    )


def _enrol(demo: _Demo, person: Person, pick_employer: Any) -> None:
    """A working life for the person: employment (with moves), or residents' insurance."""
    rng, by, as_of = demo.rng, demo.by, demo.as_of
    age = _age(person, as_of)
    retirement_age = 60 if person.gender == "M" else 55
    adult = _years_after(person.birth_date, 18)
    career_from = max(adult, datetime.date(1996, 1, 1))

    if age >= retirement_age:
        # Older people: urban ones worked until retirement (ended enrolments); rural ones are residents.
        retired_on = _years_after(person.birth_date, retirement_age)
        if (
            person.household_type == HouseholdType.URBAN
            and retired_on > career_from + datetime.timedelta(days=400)
            and rng.random() < 0.7
        ):
            employer = pick_employer()
            start = _month_start(demo.day_between(career_from, retired_on - datetime.timedelta(days=365)))
            services.staff_increase(employer=employer, person=person, start_date=start, by=by)
            services.staff_decrease(employer=employer, person=person, end_date=retired_on, by=by)
            demo.counts["retired"] += 1  # a pensioner now (the benefits app comes later)
            return
        start = _month_start(demo.day_between(max(adult, datetime.date(2012, 1, 1)), as_of))
        services.enrolment_create(person=person, insurance_type="resident_pension", start_date=start, by=by)
        services.enrolment_create(person=person, insurance_type="resident_medical", start_date=start, by=by)
        demo.counts["residents"] += 1
        return

    roll = rng.random()
    if roll < 0.78:
        # Employed: a first job, perhaps a move to another employer, perhaps left since.
        start = demo.day_between(career_from, as_of - datetime.timedelta(days=60))
        employer = pick_employer()
        services.staff_increase(employer=employer, person=person, start_date=start, by=by)
        demo.counts["employed"] += 1
        move = rng.random()
        if move < 0.25 and (as_of - start).days > 400:
            left_on = demo.day_between(
                start + datetime.timedelta(days=180), as_of - datetime.timedelta(days=60)
            )
            other = pick_employer(exclude=employer)
            if move < 0.12:
                services.enrolment_transfer(
                    person=person, to_employer=other, on=left_on + datetime.timedelta(days=1), by=by
                )
                demo.counts["transferred"] += 1
            else:
                services.staff_decrease(employer=employer, person=person, end_date=left_on, by=by)
                joined = demo.day_between(
                    left_on + datetime.timedelta(days=1), as_of - datetime.timedelta(days=1)
                )
                services.staff_increase(employer=other, person=person, start_date=joined, by=by)
                demo.counts["moved"] += 1
        elif move > 0.93 and (as_of - start).days > 200:
            left_on = demo.day_between(
                start + datetime.timedelta(days=90), as_of - datetime.timedelta(days=7)
            )
            services.staff_decrease(employer=employer, person=person, end_date=left_on, by=by)
            demo.counts["left"] += 1
    elif roll < 0.86 and person.household_type == HouseholdType.URBAN:
        # Flexible worker (灵活就业): employee pension and medical without an employer.
        start = _month_start(demo.day_between(career_from, as_of))
        services.enrolment_create(person=person, insurance_type="employee_pension", start_date=start, by=by)
        services.enrolment_create(person=person, insurance_type="employee_medical", start_date=start, by=by)
        demo.counts["flexible"] += 1
    else:
        start = _month_start(demo.day_between(max(adult, datetime.date(2012, 1, 1)), as_of))
        services.enrolment_create(person=person, insurance_type="resident_medical", start_date=start, by=by)
        if person.household_type == HouseholdType.RURAL or rng.random() < 0.5:
            services.enrolment_create(
                person=person, insurance_type="resident_pension", start_date=start, by=by
            )
        demo.counts["residents"] += 1


def _decease(demo: _Demo, person: Person) -> bool:
    """Record a death after the start of every open enrolment (which it then ends)."""
    starts = Enrolment.objects.filter(person=person, end_date__isnull=True).values_list(
        "start_date", flat=True
    )
    earliest = max([datetime.date(2023, 1, 1), *(s + datetime.timedelta(days=30) for s in starts)])
    latest = demo.as_of - datetime.timedelta(days=30)
    if earliest > latest:
        return False
    died = demo.day_between(earliest, latest)
    services.person_set_status(person=person, status=PersonStatus.DECEASED, on=died, by=demo.by)
    demo.counts["deceased"] += 1
    return True


def _land_lost(demo: _Demo, person: Person) -> bool:
    """Rural land taken for construction: 被征地农民养老保障 from the year of the taking."""
    if Enrolment.objects.filter(person=person, insurance_type__code="land_lost_farmer").exists():
        return False
    start = _month_start(demo.day_between(datetime.date(2010, 1, 1), demo.as_of))
    if start < _years_after(person.birth_date, 16):
        return False
    services.enrolment_create(person=person, insurance_type="land_lost_farmer", start_date=start, by=demo.by)
    demo.counts["land_lost"] += 1
    return True


# --- what to show a new user ---------------------------------------------------------------------


def demo_persons_to_try(*, county_code: str = TELLER_COUNTY) -> list[tuple[str, str, str]]:
    """Persons worth looking up: (ID number, name, why) — three of the teller's county, then one recorded
    as deceased (of that county if there is one, else of the province: any window accepts anyone), for
    whom a pension claim is refused by its acceptance conditions."""
    region = Region.objects.filter(code=county_code).first()
    if region is None:
        return []
    here = Person.objects.filter(region__path__startswith=region.path).order_by("id")
    found: list[tuple[str, str, str]] = []
    moved = (
        here.filter(changes__kind__in=["transferred", "staff_decrease"], status=PersonStatus.ACTIVE)
        .filter(enrolments__end_date__isnull=True, enrolments__employer__isnull=False)
        .first()
    )
    if moved is not None:
        found.append((moved.id_number, moved.name, "employee who changed employers 换过单位的职工"))
    resident = here.filter(
        enrolments__insurance_type__code="resident_pension", enrolments__end_date__isnull=True
    ).first()
    if resident is not None:
        found.append((resident.id_number, resident.name, "resident, pension and medical 城乡居民养老和医疗"))
    duplicate_ids = PossibleDuplicate.objects.values_list("person_id", flat=True)
    duplicate = here.filter(pk__in=duplicate_ids).first()
    if duplicate is not None:
        found.append((duplicate.id_number, duplicate.name, "possible duplicate 疑似重复"))
    deceased = Person.objects.filter(status=PersonStatus.DECEASED).order_by("id")
    dead = deceased.filter(region__path__startswith=region.path).first() or deceased.first()
    if dead is not None:
        found.append(
            (
                dead.id_number,
                dead.name,
                "recorded as deceased: a pension claim is refused 已登记死亡，申领养老待遇将被拒绝",
            )
        )
    return found


def registry_counts() -> dict[str, int]:
    return {
        "persons": Person.objects.count(),
        "employers": Employer.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "changes": RecordChange.objects.count(),
        "duplicates": PossibleDuplicate.objects.count(),
    }
