"""A seeded, realistic district: offices, compounds and buildings, crowded places, the subjects who
keep them, and a year of inspections and device events. Pure and deterministic: the same seed
gives the same district and the same activity, day by day."""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from typing import Any, Iterator

from fireenforce.ledger.subjects import resident_id_check, uscc_check

# The four sample offices of the bundled offices.yaml, with their level and relative workload.
OFFICES: tuple[tuple[str, str, float], ...] = (
    ("北街街道消防安全办公室", "street", 1.0),
    ("南街街道消防安全办公室", "street", 0.9),
    ("董志镇消防安全办公室", "town", 0.6),
    ("什社乡消防安全办公室", "township", 0.35),
)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林罗高"
SHOPS = ("超市", "宾馆", "网吧", "KTV", "饭店", "商场", "农贸市场", "幼儿园", "养老院", "浴室")
COMPANIES = ("物业服务有限公司", "物业管理有限公司")
ESTATE_NAMES = ("阳光", "幸福", "和谐", "锦绣", "金地", "园林")
ESTATE_KINDS = ("小区", "家园", "花园")
TRADE_NAMES = ("恒安", "佳宁", "德润", "安康")
SHOP_NAMES = ("兴旺", "顺发", "鑫源", "万家")
RESIDENTIAL_ITEMS = (("EB-PARK", 30), ("EB-CHARGE", 14), ("EB-WIRE", 10), ("EB-INDOOR", 4), ("EV-BLOCK", 14),
                     ("FF-NONCOMPLIANT", 10), ("FL-BLOCK", 6), ("FF-HYDRANT", 3), ("OB-RESIDENTIAL", 9))
CROWDED_ITEMS = (("EV-BLOCK", 24), ("FF-NONCOMPLIANT", 20), ("FF-DAMAGE", 8), ("OB-CROWDED", 14),
                 ("EL-WIRING", 16), ("FU-OPENFIRE", 6), ("SH-THREE-IN-ONE", 7), ("UN-DUTY", 5))
CAMPAIGN = "anti-theft-bars"  # 防盗窗（网）整治: 排摸、劝导、查处、曝光、拆除
CAMPAIGN_ITEMS = frozenset({"OB-RESIDENTIAL", "OB-CROWDED"})
CAMPAIGN_STEPS = ("排摸", "劝导", "查处", "曝光", "拆除")
LIGHTER_REASONS = (  # a reminder where a written order was suggested
    "当事人系低保户，经办公室负责人批准先行督促提醒",
    "现场已立即改正并书面承诺，经集体讨论改为督促提醒",
    "隐患涉及同一楼栋多户，先行督促提醒以便统一整改",
)
HEAVIER_REASONS = (  # a written order where a reminder was suggested
    "当事人曾多次劝阻无效，经集体讨论书面责令改正",
    "隐患位于疏散楼梯唯一出口，危害较大，经负责人批准书面责令改正",
)


@dataclass(frozen=True)
class Subject:
    kind: str  # unit | individual
    name: str
    id: str
    operating: bool
    address: str

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "operating": self.operating, "name": self.name, "id": self.id,
                "address": self.address}


@dataclass(frozen=True)
class Place:
    name: str
    office: str
    level: str
    compound: str | None  # residential compound (小区) of a building; None for a crowded place
    high_rise: bool
    crowded: bool
    keeper: Subject  # the building's manager (物业) or the place's operator
    residents: tuple[Subject, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The place register's line (``fireenforce signals places``)."""
        return {"place": self.name, "office": self.office, "level": self.level, "compound": self.compound,
                "high_rise": self.high_rise, "crowded": self.crowded, "manager": self.keeper.to_json()}


@dataclass
class District:
    places: list[Place] = field(default_factory=list)
    blocked: list[Place] = field(default_factory=list)  # buildings with an elevator e-bike blocker

    def of_office(self, office: str) -> list[Place]:
        return [p for p in self.places if p.office == office]


def _unit_id(rnd: random.Random) -> str:
    """A 统一社会信用代码 with a valid check character (registered in 西峰区, 621002)."""
    body = "91621002" + "".join(rnd.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    return body + uscc_check(body)


def _person_id(rnd: random.Random) -> str:
    """A 居民身份证号码 with a valid check character."""
    born = dt.date(1950, 1, 1) + dt.timedelta(days=rnd.randint(0, 365 * 50))
    body = f"621002{born:%Y%m%d}{rnd.randint(0, 999):03d}"
    return body + resident_id_check(body)


def build_district(seed: int, scale: float = 1.0) -> District:
    """Compounds, buildings and crowded places for the four offices (``scale`` multiplies their number)."""
    rnd = random.Random(f"district-{seed}")
    district = District()
    for office, level, weight in OFFICES:
        town = office.removesuffix("消防安全办公室")
        for c in range(max(1, round(6 * weight * scale))):
            compound = f"{town}{rnd.choice(ESTATE_NAMES)}{rnd.choice(ESTATE_KINDS)}{c + 1}期"
            keeper = Subject("unit", f"庆阳{rnd.choice(TRADE_NAMES)}{rnd.choice(COMPANIES)}", _unit_id(rnd), True,
                             f"西峰区{town}")
            for b in range(rnd.randint(3, 8)):
                high_rise = level == "street" and rnd.random() < 0.5
                residents = tuple(
                    Subject("individual", f"{rnd.choice(SURNAMES)}某{r + 1}", _person_id(rnd), False,
                            f"{compound}{b + 1}号楼") for r in range(rnd.randint(4, 12)))
                place = Place(f"{compound}{b + 1}号楼", office, level, compound, high_rise, False, keeper, residents)
                district.places.append(place)
                if high_rise or rnd.random() < 0.3:
                    district.blocked.append(place)
        for s in range(max(1, round(10 * weight * scale))):
            kind = rnd.choice(SHOPS)
            operator = Subject("unit", f"西峰区{town}{rnd.choice(SHOP_NAMES)}{kind}", _unit_id(rnd), True,
                               f"西峰区{town}")
            district.places.append(Place(f"{operator.name}（{s + 1}号）", office, level, None, False,
                                         kind not in ("饭店",) or rnd.random() < 0.5, operator))
    return district


@dataclass(frozen=True)
class Inspection:
    """One finding to record: the case, and what will follow (re-inspections, the brigade's answer)."""

    case: dict[str, Any]
    officer: str
    depart: float | None  # departs from the suggested step (the reason is drawn from this number)
    fixes_after: int  # how many failed re-inspections before it is rectified (0: the first succeeds)
    late_days: tuple[int, ...]  # days after each deadline the re-inspection takes place
    referral_accepted: bool
    answer_days: int
    fine_share: float  # where in the suggested range a fine falls


def _pick(rnd: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rnd.choices([i for i, _ in weighted], weights=[w for _, w in weighted])[0]


def inspections_on(district: District, day: dt.date, seed: int, rate: float = 1.0) -> Iterator[Inspection]:
    """The inspections of one day, office by office (about ``rate`` × 2 findings per office workday)."""
    rnd = random.Random(f"day-{seed}-{day.isoformat()}")
    workday = day.weekday() < 5
    for office, level, weight in OFFICES:
        places = district.of_office(office)
        expected = (2.2 if workday else 0.4) * weight * rate
        for _ in range(_poisson(rnd, expected)):
            yield _inspection(rnd, rnd.choice(places), day, level)


def _inspection(rnd: random.Random, place: Place, day: dt.date, level: str) -> Inspection:
    item = _pick(rnd, CROWDED_ITEMS if place.crowded else RESIDENTIAL_ITEMS)
    if place.crowded or item in ("FF-NONCOMPLIANT", "FL-BLOCK", "FF-HYDRANT") or not place.residents:
        subject = place.keeper
    else:  # a few residents offend again and again
        subject = place.residents[min(int(rnd.paretovariate(1.4)) - 1, len(place.residents) - 1)]
    facts: dict[str, Any] = {"serious": rnd.random() < (0.06 if place.crowded else 0.015),
                             "narrative": f"{place.name}检查发现"}
    if place.compound:
        facts["compound"] = place.compound
    if item in CAMPAIGN_ITEMS:
        step = rnd.choices(CAMPAIGN_STEPS, weights=(30, 25, 20, 10, 15))[0]
        facts.update({"campaign": CAMPAIGN, "campaign_step": step})
        if step == "拆除":
            facts["removed_m2"] = rnd.randint(2, 40)
    office_index = next(i for i, (name, _, _) in enumerate(OFFICES) if name == place.office)
    officer = f"{SURNAMES[2 * office_index + rnd.randint(0, 1)]}某（执法员）"  # two officers per office
    case = {
        "item": item,
        "subject": subject.to_json(),
        "place": {"name": place.name, "address": place.keeper.address, "high_rise": place.high_rise,
                  "crowded": place.crowded},
        "office": {"level": level, "name": place.office},
        "observed_on": day.isoformat(),
        "facts": facts,
    }
    fixes_after = 0 if rnd.random() < 0.78 else (1 if rnd.random() < 0.7 else 2)
    late = tuple(rnd.randint(4, 20) if rnd.random() < 0.12 else rnd.randint(0, 2) for _ in range(fixes_after + 1))
    return Inspection(case, officer, rnd.random() if rnd.random() < 0.03 else None, fixes_after,
                      late, rnd.random() < 0.75, rnd.randint(3, 20), rnd.random())


def signals_on(district: District, day: dt.date, seed: int, rate: float = 1.0) -> Iterator[dict[str, Any]]:
    """The elevator blockers' events of one day (a few hot buildings, most quiet)."""
    rnd = random.Random(f"signals-{seed}-{day.isoformat()}")
    for index, place in enumerate(district.blocked):
        hot = random.Random(f"hot-{seed}-{index}").random() < 0.08
        for _ in range(_poisson(rnd, (0.3 if hot else 0.04) * rate)):
            moment = dt.datetime.combine(day, dt.time(rnd.randint(6, 22), rnd.randint(0, 59), rnd.randint(0, 59)))
            yield {"source": "elevator_blocker", "device": f"ZC-{index + 1:04d}", "place": place.name,
                   "kind": "ebike_in_elevator", "at": moment.isoformat() + "+08:00"}


def _poisson(rnd: random.Random, mean: float) -> int:
    """A Poisson count by inversion (small means)."""
    if mean <= 0:
        return 0
    threshold, count, product = math.exp(-mean), 0, rnd.random()
    while product > threshold:
        count += 1
        product *= rnd.random()
    return count
