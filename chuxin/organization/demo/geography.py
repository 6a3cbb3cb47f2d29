# ruff: noqa: RUF001 - Chinese text uses full-width punctuation
"""The real shape of the demo province: Liaoning, its cities and counties, its departments.

Cities and their county-level divisions are the real ones (in the official order); townships,
villages and most institutions below them are generated. Provincial universities, hospitals
and enterprises are real or plausible names; every person below the leading group is fictional.
"""

from __future__ import annotations

from dataclasses import dataclass

PROVINCE_CODE = "LN"
PROVINCE_NAME = "辽宁省"
COMMITTEE_NAME = "中共辽宁省委"


@dataclass(frozen=True)
class City:
    """A prefecture-level city and its county-level divisions, in official order."""

    number: int
    name: str
    counties: tuple[str, ...]
    coastal: bool = False
    sub_provincial: bool = False

    @property
    def short(self) -> str:
        return self.name.removesuffix("市")


# fmt: off
CITIES: tuple[City, ...] = (
    City(1, "沈阳市", ("和平区", "沈河区", "大东区", "皇姑区", "铁西区", "苏家屯区", "浑南区",
                       "沈北新区", "于洪区", "辽中区", "康平县", "法库县", "新民市"),
         sub_provincial=True),
    City(2, "大连市", ("中山区", "西岗区", "沙河口区", "甘井子区", "旅顺口区", "金州区",
                       "普兰店区", "长海县", "瓦房店市", "庄河市"),
         coastal=True, sub_provincial=True),
    City(3, "鞍山市", ("铁东区", "铁西区", "立山区", "千山区", "台安县", "岫岩满族自治县",
                       "海城市")),
    City(4, "抚顺市", ("新抚区", "东洲区", "望花区", "顺城区", "抚顺县", "新宾满族自治县",
                       "清原满族自治县")),
    City(5, "本溪市", ("平山区", "溪湖区", "明山区", "南芬区", "本溪满族自治县",
                       "桓仁满族自治县")),
    City(6, "丹东市", ("元宝区", "振兴区", "振安区", "宽甸满族自治县", "东港市", "凤城市"),
         coastal=True),
    City(7, "锦州市", ("古塔区", "凌河区", "太和区", "黑山县", "义县", "凌海市", "北镇市"),
         coastal=True),
    City(8, "营口市", ("站前区", "西市区", "鲅鱼圈区", "老边区", "盖州市", "大石桥市"),
         coastal=True),
    City(9, "阜新市", ("海州区", "新邱区", "太平区", "清河门区", "细河区",
                       "阜新蒙古族自治县", "彰武县")),
    City(10, "辽阳市", ("白塔区", "文圣区", "宏伟区", "弓长岭区", "太子河区", "辽阳县",
                        "灯塔市")),
    City(11, "盘锦市", ("双台子区", "兴隆台区", "大洼区", "盘山县"), coastal=True),
    City(12, "铁岭市", ("银州区", "清河区", "铁岭县", "西丰县", "昌图县", "调兵山市",
                        "开原市")),
    City(13, "朝阳市", ("双塔区", "龙城区", "朝阳县", "建平县", "喀喇沁左翼蒙古族自治县",
                        "北票市", "凌源市")),
    City(14, "葫芦岛市", ("连山区", "龙港区", "南票区", "绥中县", "建昌县", "兴城市"),
         coastal=True),
)

# Real sub-districts, used for the counties that the small scales populate; others generated.
REAL_STREETS: dict[str, tuple[str, ...]] = {
    "沈阳市和平区": ("太原街", "南湖", "长白", "北市场", "南市场", "马路湾", "集贤", "新华",
                   "西塔", "八经", "浑河湾", "沈水湾", "浑河站西"),
    "大连市中山区": ("海军广场", "人民路", "桃源", "老虎滩", "青泥洼桥", "葵英", "昆明街"),
}
# fmt: on


def is_urban_district(county: str) -> bool:
    """Urban districts (区) have sub-districts and communities; counties have towns and villages."""
    return county.endswith("区")


@dataclass(frozen=True)
class DepartmentType:
    """A kind of department that exists at several levels, e.g. the education department.

    ``city`` and ``county`` are suffixes put after the locality's name (``沈阳市`` + ``教育局``);
    ``None`` where that level has no such department. ``affiliates`` names what hangs below
    the department: ``schools``, ``hospitals`` or ``enterprises``.
    """

    key: str
    province: str
    city: str | None
    county: str | None
    affiliates: str = ""


# fmt: off
DEPARTMENTS: tuple[DepartmentType, ...] = (
    DepartmentType("general_office", "省委办公厅", "委办公室", "委办公室"),
    DepartmentType("organization", "省委组织部", "委组织部", "委组织部"),
    DepartmentType("publicity", "省委宣传部", "委宣传部", "委宣传部"),
    DepartmentType("united_front", "省委统战部", "委统战部", "委统战部"),
    DepartmentType("political_legal", "省委政法委", "委政法委", "委政法委"),
    DepartmentType("discipline", "省纪委监委", "纪委监委", "纪委监委"),
    DepartmentType("organs_committee", "省直机关工委", "直机关工委", None),
    DepartmentType("government_office", "省政府办公厅", "政府办公室", "政府办公室"),
    DepartmentType("development", "省发展改革委", "发展改革委", "发展改革局"),
    DepartmentType("education", "省教育厅", "教育局", "教育局", affiliates="schools"),
    DepartmentType("science", "省科技厅", "科技局", None),
    DepartmentType("industry", "省工业和信息化厅", "工业和信息化局", "工业和信息化局"),
    DepartmentType("public_security", "省公安厅", "公安局", "公安局"),
    DepartmentType("civil_affairs", "省民政厅", "民政局", "民政局"),
    DepartmentType("justice", "省司法厅", "司法局", "司法局"),
    DepartmentType("finance", "省财政厅", "财政局", "财政局"),
    DepartmentType("human_resources", "省人力资源社会保障厅", "人力资源社会保障局",
                   "人力资源社会保障局"),
    DepartmentType("natural_resources", "省自然资源厅", "自然资源局", "自然资源局"),
    DepartmentType("ecology", "省生态环境厅", "生态环境局", "生态环境分局"),
    DepartmentType("housing", "省住房城乡建设厅", "住房城乡建设局", "住房城乡建设局"),
    DepartmentType("transport", "省交通运输厅", "交通运输局", "交通运输局"),
    DepartmentType("water", "省水利厅", "水务局", "水利局"),
    DepartmentType("agriculture", "省农业农村厅", "农业农村局", "农业农村局"),
    DepartmentType("commerce", "省商务厅", "商务局", "商务局"),
    DepartmentType("culture", "省文化和旅游厅", "文化旅游和广播电视局",
                   "文化旅游和广播电视局"),
    DepartmentType("health", "省卫生健康委", "卫生健康委", "卫生健康局", affiliates="hospitals"),
    DepartmentType("veterans", "省退役军人事务厅", "退役军人事务局", "退役军人事务局"),
    DepartmentType("emergency", "省应急管理厅", "应急管理局", "应急管理局"),
    DepartmentType("audit", "省审计厅", "审计局", "审计局"),
    DepartmentType("state_assets", "省国资委", "国资委", None, affiliates="enterprises"),
    DepartmentType("market", "省市场监管局", "市场监管局", "市场监管局"),
    DepartmentType("statistics", "省统计局", "统计局", "统计局"),
    DepartmentType("medical_insurance", "省医疗保障局", "医疗保障局", "医疗保障局"),
    DepartmentType("business_environment", "省营商环境建设局", "营商环境建设局",
                   "营商环境建设局"),
    DepartmentType("petition", "省信访局", "信访局", "信访局"),
    DepartmentType("sports", "省体育局", "体育局", None),
    DepartmentType("forestry", "省林业和草原局", None, None),
    DepartmentType("grain", "省粮食和物资储备局", None, None),
    DepartmentType("people_congress", "省人大常委会机关", "人大常委会机关", "人大常委会机关"),
    DepartmentType("cppcc", "省政协机关", "政协机关", "政协机关"),
    DepartmentType("court", "省高级人民法院", "中级人民法院", "人民法院"),
    DepartmentType("procuratorate", "省人民检察院", "人民检察院", "人民检察院"),
)

# The batch-1 departments linked to their counterparts below (上下联动), a realistic handful.
LINKED_DEPARTMENTS = ("education", "health", "civil_affairs", "agriculture", "housing", "market")

# Offices (处室) of a department; each has a party branch.
OFFICES = (
    "办公室", "政策法规处", "人事处", "财务处", "规划处", "综合处", "督查处", "机关党委办公室",
    "信息中心", "离退休干部处", "法制处", "监督检查处", "宣传教育处", "行政审批处", "科技处",
    "安全处", "统计处", "审计处", "对外合作处", "机关服务中心",
)

UNIVERSITIES = (
    "辽宁大学", "中国医科大学", "沈阳药科大学", "辽宁师范大学", "沈阳师范大学", "沈阳工业大学",
    "沈阳建筑大学", "沈阳农业大学", "辽宁工程技术大学", "辽宁科技大学", "辽宁石油化工大学",
    "沈阳航空航天大学", "沈阳理工大学", "沈阳化工大学", "大连大学", "大连医科大学",
    "大连工业大学", "大连交通大学", "大连海洋大学", "辽宁中医药大学", "锦州医科大学",
    "渤海大学", "辽宁工业大学", "沈阳大学", "鞍山师范学院",
)
COLLEGES = (
    "马克思主义学院", "文学院", "历史学院", "经济学院", "法学院", "外国语学院",
    "数学与统计学院", "物理学院", "化学学院", "生命科学学院", "信息科学与工程学院",
    "机械工程学院", "土木工程学院", "计算机科学与技术学院", "管理学院", "艺术学院",
    "体育学院", "医学院", "药学院", "护理学院", "新闻与传播学院", "公共管理学院",
)
PROVINCIAL_HOSPITALS = (
    "辽宁省人民医院", "辽宁省肿瘤医院", "辽宁省妇幼保健院", "辽宁省金秋医院",
    "辽宁省精神卫生中心", "辽宁省疾病预防控制中心", "辽宁省血液中心", "辽宁省职业病防治院",
)
PROVINCIAL_ENTERPRISES = (
    "辽宁省交通建设投资集团有限责任公司", "辽宁能源投资（集团）有限责任公司",
    "辽宁省城乡建设集团有限责任公司", "辽宁省水资源管理集团有限责任公司",
    "辽宁省健康产业集团有限公司", "辽宁省农业发展集团有限责任公司",
    "辽宁省环保集团有限责任公司", "辽宁省文化投资控股集团有限公司",
    "辽宁省国有资产经营有限公司", "辽宁省粮食发展集团有限责任公司",
    "辽宁省地质勘查院有限责任公司", "辽宁省机场管理集团有限公司",
)
HOSPITAL_DEPARTMENTS = (
    "内科", "外科", "妇产科", "儿科", "急诊科", "护理部", "医技科室", "药剂科", "行政后勤",
    "离退休", "中医科", "口腔科", "眼科", "放射科", "检验科",
)
CITY_ENTERPRISES = (
    "城市建设投资集团有限公司", "水务集团有限公司", "燃气集团有限公司", "热力集团有限公司",
    "公共交通集团有限公司", "国有资产经营有限公司", "城市发展集团有限公司",
    "文化旅游集团有限公司", "农业发展集团有限公司", "产业投资集团有限公司",
)
SUBSIDIARIES = (
    "建设工程有限公司", "物业管理有限公司", "置业有限公司", "运营分公司", "工程技术分公司",
    "物资供应公司", "检测中心", "销售分公司", "研究设计院", "第一分公司", "第二分公司",
    "第三分公司",
)
# fmt: on


def department_name(kind: DepartmentType, level: str, locality: str = "") -> str | None:
    """The department's name at a level (``province``, ``city`` or ``county``), or ``None``."""
    if level == "province":
        return kind.province
    suffix = kind.city if level == "city" else kind.county
    if suffix is None:
        return None
    return locality + suffix


def head_title(name: str) -> str:
    """The title of a department's head from the department's name (党组书记、厅长 ...)."""
    if name.endswith(("办公厅", "办公室")):
        return "主任"
    if name.endswith(("纪委监委", "政法委", "工委")):
        return "书记"
    if name.endswith(("组织部", "宣传部", "统战部")):
        return "部长"
    if name.endswith("厅"):
        return "党组书记、厅长"
    if name.endswith("局"):
        return "党组书记、局长"
    if name.endswith("法院"):
        return "党组书记、院长"
    if name.endswith("检察院"):
        return "党组书记、检察长"
    if name.endswith("机关"):
        return "秘书长"
    return "党组书记、主任"


def deputy_title(name: str) -> str:
    """The title of a deputy head: 副厅长, 副局长, 副主任, 副书记 ..."""
    return "副" + head_title(name).rsplit("、", 1)[-1]


# The leading group on thematic education of the provincial party committee, as the report
# names them (titles as they were in November 2019), and a fictional office director.
# fmt: off
LEADING_GROUP: tuple[tuple[str, str, str, str], ...] = (
    ("陈求发", "head", "省委书记、省人大常委会主任",
     "省委书记、省人大常委会主任，省委主题教育领导小组组长"),
    ("唐一军", "deputy_head", "省委副书记、省长",
     "省委副书记、省长，省委主题教育领导小组副组长"),
    ("夏德仁", "deputy_head", "省政协主席", "省政协主席，省委主题教育领导小组副组长"),
    ("周波", "deputy_head", "省委副书记", "省委副书记，省委主题教育领导小组副组长"),
    ("陆治原", "member", "省委常委、组织部部长", "省委常委、组织部部长，省委主题教育领导小组成员"),
    ("王建华", "office_director", "省委组织部常务副部长",
     "省委组织部常务副部长，省委主题教育领导小组办公室主任"),
)
# fmt: on
