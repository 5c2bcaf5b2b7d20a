"""Zhejiang's cities and counties (GB/T 2260), for addresses and ID region codes.

The data is the shipped copy of ``zhejiang_divisions.json``. Counties that were renamed or abolished
since 2019 (下城区, 江干区 …) are kept as aliases so that older forms still resolve.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

_SUFFIXES = ("自治县", "市", "县", "区")

# The 2019 names that changed, mapped to the code of the division that took them over.
RENAMED_2019: dict[str, str] = {
    "下城区": "330105",  # merged into 拱墅区 (2021)
    "江干区": "330102",  # mostly merged into 上城区 (2021)
}


@dataclass(frozen=True)
class County:
    code: str
    name: str
    city_code: str
    city_name: str
    current: bool = True


@dataclass(frozen=True)
class Place:
    """What an address resolves to; either part may be missing."""

    city: str | None = None
    city_code: str | None = None
    county: str | None = None
    county_code: str | None = None


def short_name(name: str) -> str:
    """杭州市 → 杭州, 西湖区 → 西湖, 景宁畲族自治县 → 景宁 (names of two characters keep their suffix)."""
    if name.endswith("畲族自治县"):
        return name[: -len("畲族自治县")]
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@cache
def _data() -> dict:  # type: ignore[type-arg]
    text = resources.files("zjcredit").joinpath("data/zhejiang_divisions.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


@cache
def cities() -> dict[str, tuple[str, str]]:
    """City code → (name, telephone area code)."""
    return {c["code"]: (c["name"], c["area_code"]) for c in _data()["cities"]}


@cache
def counties() -> dict[str, County]:
    """Every county-level code, current ones and historical ones (current=False)."""
    out: dict[str, County] = {}
    for city in _data()["cities"]:
        for county in city["counties"]:
            out[county["code"]] = County(county["code"], county["name"], city["code"], city["name"])
    for old in _data()["historical_codes"]:
        code = old["code"]
        if code in out:
            continue
        city_code = code[:4] + "00"
        city_name = cities().get(city_code, ("", ""))[0]
        out[code] = County(code, old["name"], city_code, city_name, current=False)
    return out


def region_code_known(code: str) -> bool:
    """A 6-digit Zhejiang code that is, or once was, a county, or is a city code (330100 …)."""
    return code in counties() or code in cities() or code == "330000"


@cache
def area_codes() -> frozenset[str]:
    return frozenset(area for _, area in cities().values())


@cache
def _county_names() -> list[tuple[str, County]]:
    """(spelling, county) pairs, longest spelling first, for scanning free text."""
    pairs: list[tuple[str, County]] = []
    current = {c.code: c for c in counties().values() if c.current}
    for county in current.values():
        for spelling in {county.name, short_name(county.name)}:
            pairs.append((spelling, county))
    for old_name, new_code in RENAMED_2019.items():
        county = current[new_code]
        pairs.append((old_name, county))
        pairs.append((short_name(old_name), county))
    pairs.sort(key=lambda p: -len(p[0]))
    return pairs


@cache
def _city_names() -> list[tuple[str, str, str]]:
    pairs = []
    for code, (name, _) in cities().items():
        pairs.append((name, code, name))
        pairs.append((short_name(name), code, name))
    pairs.sort(key=lambda p: -len(p[0]))
    return pairs


_NOISE_RE = re.compile(r"[\s\u3000]+")
_PROVINCE_RE = re.compile(r"^浙江(省)?")


def resolve_address(text: str | None) -> Place:
    """Find the city and county inside a free-text address.

    Accepts "杭州市西湖区文三路 100 号", "杭州 市 西湖 县 …", names without their suffix and the 2019 names
    that changed. A county name that exists in two cities is settled by the city named before it.
    """
    if not text:
        return Place()
    s = _PROVINCE_RE.sub("", _NOISE_RE.sub("", str(text)))
    city_code = city_name = None
    city_end = 0
    for spelling, code, name in _city_names():
        pos = s.find(spelling)
        if pos != -1 and pos <= 2:
            city_code, city_name, city_end = code, name, pos + len(spelling)
            if s[city_end : city_end + 1] == "市":
                city_end += 1
            break
    rest = s[city_end:]
    best: County | None = None
    best_pos = None
    for spelling, county in _county_names():
        if city_code and county.city_code != city_code:
            continue
        pos = rest.find(spelling)
        if pos == -1:
            continue
        if len(spelling) < 2:
            continue
        # A suffix-less short name must not be a prefix of a street name further on: take the earliest.
        if best_pos is None or pos < best_pos:
            best, best_pos = county, pos
    if best is not None and best_pos is not None and best_pos > 12:
        best = None  # a county name far into the street part is a street, not the county
    if best is None and city_code is None:
        return Place()
    if best is not None:
        if city_code is None:
            city_code, city_name = best.city_code, best.city_name
        return Place(city_name, city_code, best.name, best.code)
    # County-level cities whose county name is the city itself are not a thing; city only.
    return Place(city_name, city_code, None, None)


def county_by_name(text: str | None) -> County | None:
    """A county named on its own (西湖区, 西湖, 下城区); None when unknown or ambiguous."""
    if not text:
        return None
    s = _NOISE_RE.sub("", str(text))
    matches = {c.code: c for spelling, c in _county_names() if spelling == s}
    if len(matches) == 1:
        return next(iter(matches.values()))
    return None


def city_by_name(text: str | None) -> tuple[str, str] | None:
    if not text:
        return None
    s = _NOISE_RE.sub("", str(text))
    for spelling, code, name in _city_names():
        if spelling == s:
            return code, name
    return None


# Province-level codes (first two digits of a resident ID), GB/T 2260.
PROVINCES: dict[str, str] = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
    "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区", "46": "海南省",
    "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
    "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区", "65": "新疆维吾尔自治区",
    "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区", "83": "台湾居民（居住证）",
}
