"""The demo world's data: its names, password and authenticator key, the suppliers
(with their sectors, agreements, certificates and contacts) and the staff.
"""

from __future__ import annotations

from dataclasses import dataclass

from drive.organisations.models import Role

DEMO_PASSWORD = "drive-demo-2026"  # demo only: never load the demo on a real site
# Staff must use two-factor authentication: every demo staff account has an authenticator
# with this one key (base32 MRZG S5TF FVSG K3LP FUZD AMRW FV2G 65DQ), printed by load_demo;
# `manage.py demo_code` prints its current code. Demo only, like the password.
DEMO_TOTP_KEY = "64726976652d64656d6f2d323032362d746f7470"
BUYER_NAME = "UN Procurement Agency (demo)"
INSPECTION_BODY_NAME = "Huaxia Inspection & Certification (demo)"
AGENCY_CODE = "UNPA"

# Characters and weights of the check character of China's unified social credit code
# (GB 32100-2015): 18 characters = authority, category, 6-digit area, 9-char org code, check.
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc(area: str, organisation_code: str) -> str:
    """A well-formed unified social credit code for an enterprise (``91`` + area + code)."""
    body = f"91{area}{organisation_code}"
    assert len(body) == 17
    total = sum(_USCC_CHARS.index(ch) * w for ch, w in zip(body, _USCC_WEIGHTS, strict=True))
    return body + _USCC_CHARS[(31 - total % 31) % 31]


@dataclass(frozen=True)
class DemoSupplier:
    ungm: str
    legal_name: str
    local_name: str
    registration_number: str
    country: str
    city: str
    address: str
    website: str
    sectors: tuple[int, ...]
    employees: int
    turnover_usd: int
    women_owned: bool = False
    lta_value_usd: int | None = None
    certifications: tuple[str, ...] = ()
    expired_certification: str | None = None
    contact: tuple[str, str, str, str] = ("", "", "", "")
    admin: tuple[str, str, str] | None = None  # (email, full name, language)
    contributor: tuple[str, str, str] | None = None  # (email, full name, language)


SUPPLIERS: tuple[DemoSupplier, ...] = (
    DemoSupplier(
        "540112",
        "Shanghai Mingde Medical Devices Co., Ltd.",
        "上海明德医疗器械有限公司",
        uscc("310115", "MA1K4B7X2"),
        "CN",
        "Shanghai",
        "No. 1688 Zhangjiang Road, Pudong",
        "https://mingde-medical.example.cn",
        (42,),
        420,
        68_000_000,
        lta_value_usd=12_500_000,
        certifications=("ISO 9001", "ISO 14001", "ISO 45001"),
        contact=(
            "Zhou Min 周敏",
            "Export manager",
            "zhou.min@mingde-medical.example.cn",
            "+86 21 5080 1234",
        ),
        admin=("admin@mingde-medical.example.cn", "Li Na 李娜", "zh-hans"),
        contributor=("contributor@mingde-medical.example.cn", "Wang Fang 王芳", "zh-hans"),
    ),
    DemoSupplier(
        "540287",
        "Shenzhen Kaixin Electronics Technology Co., Ltd.",
        "深圳凯信电子科技有限公司",
        uscc("440300", "MA5DP2L61"),
        "CN",
        "Shenzhen",
        "Building 5, Nanshan Science Park",
        "https://kaixin-tech.example.cn",
        (43, 32),
        180,
        24_000_000,
        lta_value_usd=3_800_000,
        certifications=("ISO 9001", "RBA VAP"),
        contact=(
            "Huang Tao 黄涛",
            "Sales director",
            "huang.tao@kaixin-tech.example.cn",
            "+86 755 2601 7788",
        ),
        admin=("admin@kaixin-tech.example.cn", "Zhang Wei 张伟", "en"),
    ),
    DemoSupplier(
        "540391",
        "Guangzhou Huamei Garments Co., Ltd.",
        "广州华美服装有限公司",
        uscc("440106", "MA59QR3T8"),
        "CN",
        "Guangzhou",
        "No. 22 Huangpu Avenue, Tianhe",
        "https://huamei-garments.example.cn",
        (53,),
        65,
        6_500_000,
        women_owned=True,
        lta_value_usd=950_000,
        certifications=("SA8000", "amfori BSCI"),
        contact=(
            "Chen Li 陈丽",
            "General manager",
            "chen.li@huamei-garments.example.cn",
            "+86 20 3886 4410",
        ),
        admin=("admin@huamei-garments.example.cn", "Liu Yang 刘洋", "zh-hans"),
    ),
    DemoSupplier(
        "540455",
        "Suzhou Hengtai Logistics Equipment Co., Ltd.",
        "苏州恒泰物流设备有限公司",
        uscc("320594", "MA1MXY8K0"),
        "CN",
        "Suzhou",
        "No. 8 Xinghu Street, Industrial Park",
        "https://hengtai-handling.example.cn",
        (24,),
        310,
        57_000_000,
        lta_value_usd=5_200_000,
        certifications=("ISO 9001",),
        expired_certification="ISO 14001",
        contact=(
            "Wu Jun 吴军",
            "Key account manager",
            "wu.jun@hengtai-handling.example.cn",
            "+86 512 6288 9001",
        ),
    ),
    DemoSupplier(
        "540518",
        "Ningbo Haitong Safety Products Co., Ltd.",
        "宁波海通安全用品有限公司",
        uscc("330212", "MA2H6U4N5"),
        "CN",
        "Ningbo",
        "No. 99 Jiangnan Road, Yinzhou",
        "https://haitong-safety.example.cn",
        (46,),
        140,
        18_000_000,
        lta_value_usd=2_100_000,
        certifications=("ISO 9001", "ISO 45001"),
        contact=(
            "Xu Hui 徐慧",
            "Export manager",
            "xu.hui@haitong-safety.example.cn",
            "+86 574 8789 3020",
        ),
    ),
    DemoSupplier(
        "540603",
        "Hangzhou Lvye Tea & Food Co., Ltd.",
        "杭州绿叶茶叶食品有限公司",
        uscc("330106", "MA27C9W13"),
        "CN",
        "Hangzhou",
        "No. 5 Longjing Road, Xihu",
        "https://lvye-food.example.cn",
        (50,),
        38,
        4_200_000,
        women_owned=True,
        certifications=("ISO 9001",),
        contact=("Yang Fang 杨芳", "Owner", "yang.fang@lvye-food.example.cn", "+86 571 8796 5522"),
    ),
    DemoSupplier(
        "540677",
        "Xiamen Haixi Tents & Shelters Co., Ltd.",
        "厦门海西帐篷有限公司",
        uscc("350206", "MA34FG5P7"),
        "CN",
        "Xiamen",
        "No. 301 Xianyue Road, Huli",
        "https://haixi-shelter.example.cn",
        (57, 53),
        260,
        31_000_000,
        lta_value_usd=7_400_000,
        certifications=("ISO 9001", "ISO 14001"),
        contact=(
            "Lin Qiang 林强",
            "Tender manager",
            "lin.qiang@haixi-shelter.example.cn",
            "+86 592 5713 6600",
        ),
    ),
    DemoSupplier(
        "540742",
        "Chongqing Yufeng Motorcycle Parts Co., Ltd.",
        "重庆渝丰摩托车配件有限公司",
        uscc("500112", "MA5U7TJ29"),
        "CN",
        "Chongqing",
        "No. 16 Jinyu Avenue, Yubei",
        "https://yufeng-parts.example.cn",
        (25,),
        560,
        92_000_000,
        lta_value_usd=4_600_000,
        certifications=("ISO 9001", "ISO 14001", "ISO 45001"),
        contact=(
            "Tang Bo 唐波",
            "International sales",
            "tang.bo@yufeng-parts.example.cn",
            "+86 23 6781 2299",
        ),
    ),
    DemoSupplier(
        "540819",
        "Chengdu Tianfu Pharmaceutical Packaging Co., Ltd.",
        "成都天府医药包装有限公司",
        uscc("510107", "MA6CK81R4"),
        "CN",
        "Chengdu",
        "No. 77 Tianfu Third Street, Wuhou",
        "https://tianfu-pack.example.cn",
        (42, 24),
        7,
        1_300_000,
        women_owned=True,
        contact=("He Xue 何雪", "Director", "he.xue@tianfu-pack.example.cn", "+86 28 8513 0417"),
    ),
    DemoSupplier(
        "540884",
        "Wuhan Changjiang Water Purification Co., Ltd.",
        "武汉长江净水设备有限公司",
        uscc("420111", "MA4KT62B9"),
        "CN",
        "Wuhan",
        "No. 40 Guanggu Avenue, Hongshan",
        "https://changjiang-water.example.cn",
        (40, 47),
        95,
        11_000_000,
        lta_value_usd=1_750_000,
        certifications=("ISO 9001",),
        contact=(
            "Gao Peng 高鹏",
            "Project engineer",
            "gao.peng@changjiang-water.example.cn",
            "+86 27 8752 3380",
        ),
    ),
    DemoSupplier(
        "540936",
        "Tianjin Binhai Steel Structures Co., Ltd.",
        "天津滨海钢结构有限公司",
        uscc("120116", "MA06J9E3X"),
        "CN",
        "Tianjin",
        "No. 12 Huanghai Road, Binhai New Area",
        "https://binhai-steel.example.cn",
        (30,),
        1200,
        240_000_000,
        lta_value_usd=18_000_000,
        certifications=("ISO 9001", "ISO 14001", "ISO 45001"),
        contact=(
            "Ma Chao 马超",
            "Deputy general manager",
            "ma.chao@binhai-steel.example.cn",
            "+86 22 6620 1180",
        ),
    ),
    DemoSupplier(
        "541002",
        "Qingdao Haiyang Textile Co., Ltd.",
        "青岛海洋纺织有限公司",
        uscc("370214", "MA3P5LQ86"),
        "CN",
        "Qingdao",
        "No. 6 Shuangyuan Road, Chengyang",
        "https://haiyang-textile.example.cn",
        (53, 11),
        45,
        8_900_000,
        certifications=("SA8000",),
        contact=(
            "Sun Yan 孙燕",
            "Compliance officer",
            "sun.yan@haiyang-textile.example.cn",
            "+86 532 8790 6652",
        ),
    ),
    DemoSupplier(
        "541077",
        "Dongguan Jiahe Plastic Products Co., Ltd.",
        "东莞嘉禾塑料制品有限公司",
        uscc("441900", "MA4W8N2D5"),
        "CN",
        "Dongguan",
        "No. 33 Songshan Lake Road",
        "https://jiahe-plastic.example.cn",
        (24, 47),
        8,
        900_000,
        contact=(
            "Luo Ming 罗明",
            "Owner",
            "luo.ming@jiahe-plastic.example.cn",
            "+86 769 2289 1405",
        ),
    ),
    DemoSupplier(
        "541120",
        "Saigon Garment Export Joint Stock Company",
        "Công ty Cổ phần May Xuất khẩu Sài Gòn",
        "0312457896",
        "VN",
        "Ho Chi Minh City",
        "236 Nguyen Van Linh, District 7",
        "https://saigon-garment.example.vn",
        (53,),
        850,
        38_000_000,
        women_owned=True,
        lta_value_usd=2_900_000,
        certifications=("amfori BSCI", "ISO 9001"),
        contact=(
            "Nguyen Thi Lan",
            "Export director",
            "lan.nguyen@saigon-garment.example.vn",
            "+84 28 3775 1200",
        ),
    ),
    DemoSupplier(
        "541188",
        "Sahyadri Pharmaceuticals Private Limited",
        "सह्याद्री फार्मास्युटिकल्स",
        "U24230MH2006PTC162493",
        "IN",
        "Pune",
        "Plot 14, MIDC Bhosari",
        "https://sahyadri-pharma.example.in",
        (51, 42),
        230,
        27_000_000,
        lta_value_usd=6_300_000,
        certifications=("ISO 9001", "ISO 14001"),
        contact=(
            "Priya Kulkarni",
            "Institutional sales",
            "priya.k@sahyadri-pharma.example.in",
            "+91 20 2712 4400",
        ),
    ),
    DemoSupplier(
        "541240",
        "Rift Valley Nutrition Limited",
        "",
        "PVT-Y2U7KQ3B",
        "KE",
        "Nairobi",
        "Mombasa Road, Industrial Area",
        "https://riftvalley-nutrition.example.ke",
        (50,),
        120,
        9_500_000,
        women_owned=True,
        lta_value_usd=1_200_000,
        certifications=("ISO 9001",),
        contact=(
            "Wanjiru Mwangi",
            "Managing director",
            "wanjiru@riftvalley-nutrition.example.ke",
            "+254 20 650 3300",
        ),
    ),
)

# (email, full name, role, organisation key, language)
STAFF: tuple[tuple[str, str, str, str, str], ...] = (
    ("manager@unpa.example.org", "Amina Diallo", Role.PROGRAMME_MANAGER, "buyer", "en"),
    ("officer@unpa.example.org", "Lars Nielsen", Role.PROCUREMENT_OFFICER, "buyer", "en"),
    ("admin@unpa.example.org", "Sofia Rossi", Role.ORG_ADMIN, "buyer", "en"),
    ("lead@huaxia-inspection.example.cn", "Chen Jing 陈静", Role.INSPECTION_LEAD, "body", "en"),
    ("inspector@huaxia-inspection.example.cn", "Wang Lei 王磊", Role.INSPECTOR, "body", "zh-hans"),
)

CERT_ISSUERS = {
    "ISO 9001": "China Quality Certification Centre",
    "ISO 14001": "China Quality Certification Centre",
    "ISO 45001": "SGS-CSTC Standards Technical Services",
    "SA8000": "Social Accountability Accreditation Services",
    "amfori BSCI": "amfori",
    "RBA VAP": "Responsible Business Alliance",
}
