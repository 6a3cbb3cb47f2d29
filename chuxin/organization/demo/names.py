"""Words the demo generator builds names from: people, places, enterprises, numerals.

Every draw takes a ``random.Random`` so that the same seed gives the same names. Pools are
flat tuples with common items repeated, so a weighted draw is one index (fast enough for
millions of members).
"""

from __future__ import annotations

import random
from collections.abc import Callable

# Common surnames, roughly by frequency (the first ones repeated more); 于, 关, 佟, 那 and 鲍
# are more common in Liaoning than nationally.
# fmt: off
_SURNAME_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("王", 72), ("李", 70), ("张", 68), ("刘", 54), ("陈", 40), ("杨", 33), ("赵", 28),
    ("黄", 22), ("周", 20), ("吴", 20), ("徐", 17), ("孙", 20), ("马", 15), ("朱", 13),
    ("胡", 12), ("郭", 12), ("何", 9), ("高", 14), ("林", 9), ("罗", 8), ("郑", 9),
    ("梁", 8), ("谢", 7), ("宋", 9), ("唐", 7), ("许", 7), ("韩", 10), ("冯", 7),
    ("邓", 6), ("曹", 7), ("彭", 5), ("曾", 4), ("肖", 6), ("田", 7), ("董", 7),
    ("袁", 5), ("潘", 5), ("于", 12), ("蒋", 5), ("蔡", 4), ("余", 4), ("杜", 6),
    ("叶", 4), ("程", 5), ("苏", 6), ("魏", 6), ("吕", 6), ("丁", 5), ("任", 6),
    ("沈", 5), ("姚", 5), ("卢", 5), ("姜", 8), ("崔", 7), ("钟", 3), ("谭", 3),
    ("陆", 3), ("汪", 3), ("范", 5), ("金", 5), ("石", 5), ("廖", 2), ("贾", 5),
    ("夏", 3), ("付", 5), ("方", 3), ("白", 5), ("邹", 3), ("孟", 6), ("熊", 2),
    ("秦", 4), ("邱", 3), ("江", 3), ("尹", 4), ("薛", 4), ("闫", 5), ("段", 4),
    ("侯", 4), ("史", 4), ("郝", 5), ("毛", 3), ("邵", 3), ("龚", 2), ("万", 3),
    ("武", 4), ("戴", 2), ("孔", 3), ("汤", 2), ("关", 5), ("佟", 3), ("那", 2),
    ("鲍", 2), ("曲", 3), ("谷", 2), ("齐", 3), ("常", 3), ("康", 3), ("邢", 3),
)
# fmt: on
SURNAMES: tuple[str, ...] = tuple(s for s, w in _SURNAME_WEIGHTS for _ in range(w))

_MALE_GIVEN = (
    "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁浩凯健俊帆帅旭宇林峰建国东海亮成志文新龙阳兵松岩"
    "军德福春生永祥庆广胜利忠立中贵学振锋良晨博宏刚继铭昊然泽轩子睿"
)
_FEMALE_GIVEN = (
    "芳娜敏静丽艳娟霞燕玲婷雪慧颖琳红梅萍洁莉倩晶丹欣悦佳琪璐薇秀英兰凤玉华春艳琴云荣"
    "爽微月洋楠茜媛晓宁蕾影萌怡"
)


def person_name(rng: random.Random, *, female: bool) -> str:
    """A plausible Chinese name: a common surname and one or two given-name characters."""
    pool = _FEMALE_GIVEN if female else _MALE_GIVEN
    r = rng.random
    n = len(pool)
    surname = SURNAMES[int(r() * len(SURNAMES))]
    if r() < 0.3:
        return surname + pool[int(r() * n)]
    return surname + pool[int(r() * n)] + pool[int(r() * n)]


_NUMERALS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十, 35 → 三十五 (for 1 ≤ n ≤ 99), used in ordinal names."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    text = ""
    if tens:
        text = ("" if tens == 1 else _NUMERALS[tens]) + "十"
    if ones:
        text += _NUMERALS[ones]
    return text


# Village and town names: a first part, an optional middle and a typical north-eastern ending
# (屯, 堡, 窝堡, 甸, 岭 ...).
_PLACE_HEADS = (
    "大小东西南北前后新老上下高双三四五八十马王李张刘杨黄赵孙周韩于白红青黑金石柳榆桃杏梨"
    "松沙泉龙凤虎鹿牛羊官姜郭崔曲邢范"
)
_PLACE_MIDDLES = ("家", "家", "家", "台", "山", "河", "树", "", "", "")
_PLACE_TAILS = (
    "屯",
    "屯",
    "堡",
    "堡",
    "窝堡",
    "甸",
    "甸子",
    "岭",
    "沟",
    "营",
    "台",
    "坨",
    "房",
    "店",
    "岗",
    "泡",
    "洼",
    "城",
    "庄",
    "子",
    "铺",
)


def place_name(rng: random.Random) -> str:
    """A plausible village or town name of north-east China, e.g. 黄家窝堡, 榆树甸子."""
    head = _PLACE_HEADS[int(rng.random() * len(_PLACE_HEADS))]
    middle = rng.choice(_PLACE_MIDDLES)
    tail = rng.choice(_PLACE_TAILS)
    return head + middle + tail


# Urban communities are named after streets, institutions or good wishes.
_COMMUNITY_WORDS = (
    "民主",
    "和平",
    "幸福",
    "新华",
    "光明",
    "建设",
    "团结",
    "友谊",
    "繁荣",
    "长青",
    "富民",
    "兴华",
    "文化",
    "育才",
    "春晓",
    "花园",
    "景星",
    "华山",
    "北海",
    "南湖",
    "长安",
    "永安",
    "福安",
    "三好",
    "红旗",
    "丽都",
    "锦绣",
    "阳光",
    "滨河",
    "和睦",
    "新兴",
    "前进",
    "东方",
    "世纪",
    "中兴",
    "泰山",
    "嘉陵",
    "黄河",
    "长江",
    "珠江",
    "松花",
    "辽河",
    "怡和",
    "万科",
    "金地",
    "碧桂",
    "融创",
    "保利",
    "龙湖",
    "绿城",
    "南京",
    "北京",
    "上海",
    "天津",
    "重庆",
    "西安",
    "武汉",
    "青年",
    "工人",
    "胜利",
    "解放",
    "人民",
    "中山",
    "鲁迅",
    "沈水",
    "浑河",
)


def community_name(rng: random.Random) -> str:
    """A plausible urban community name (without the 社区 ending), e.g. 南湖, 锦绣."""
    word = rng.choice(_COMMUNITY_WORDS)
    roll = rng.random()
    if roll < 0.15:
        return word + "里"
    if roll < 0.25:
        return word + "路"
    if roll < 0.32:
        return word + "街"
    return word


_STREET_WORDS = (
    "太平",
    "新华",
    "北站",
    "南站",
    "胜利",
    "文化",
    "工农",
    "联合",
    "站前",
    "光明",
    "建设",
    "长白",
    "长江",
    "黄河",
    "泰山",
    "昆山",
    "华山",
    "中华",
    "滨江",
    "滨河",
    "兴工",
    "兴华",
    "东湖",
    "西湖",
    "南湖",
    "北湖",
    "铁路",
    "车站",
    "矿山",
    "钢城",
    "石油",
    "化工",
)


def street_name(rng: random.Random) -> str:
    """A plausible urban sub-district name (without 街道), e.g. 兴华, 站前."""
    word = rng.choice(_STREET_WORDS)
    return word + rng.choice(("", "", "", "路", "街", "里"))


_BRANDS = (
    "华信",
    "鑫源",
    "宏达",
    "恒通",
    "金城",
    "福瑞",
    "兴业",
    "永安",
    "盛世",
    "东方",
    "北方",
    "联创",
    "天成",
    "瑞丰",
    "汇丰",
    "宏远",
    "德润",
    "中天",
    "祥和",
    "新星",
    "嘉禾",
    "巨龙",
    "昌盛",
    "华宇",
    "信诚",
    "博远",
    "精工",
    "泰和",
    "鼎盛",
    "和泰",
    "远航",
    "正大",
    "广源",
)
_INDUSTRIES = (
    "机械制造",
    "建筑工程",
    "食品",
    "物流",
    "商贸",
    "化工",
    "电子科技",
    "农业发展",
    "新材料",
    "汽车零部件",
    "医药",
    "纺织",
    "重型装备",
    "钢结构",
    "建材",
    "软件",
    "电力设备",
    "包装",
    "餐饮管理",
    "物业服务",
    "房地产开发",
    "农产品加工",
    "水产",
    "冶金",
    "环保科技",
)


def enterprise_name(rng: random.Random, place: str) -> str:
    """A plausible non-public enterprise name, e.g. 沈阳华信机械制造有限公司."""
    return place + rng.choice(_BRANDS) + rng.choice(_INDUSTRIES) + "有限公司"


def distinct(rng: random.Random, make: Callable[[random.Random], str], count: int) -> list[str]:
    """``count`` names from ``make(rng)`` with no repeats among siblings."""
    seen: set[str] = set()
    out: list[str] = []
    attempts = 0
    while len(out) < count:
        name = make(rng)
        attempts += 1
        if name in seen and attempts < count * 50:
            continue
        if name in seen:  # the pool is exhausted: number the name
            name = f"{name}{chinese_number(len(out) % 99 + 1)}"
        seen.add(name)
        out.append(name)
    return out
