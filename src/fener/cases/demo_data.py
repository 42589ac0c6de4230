"""Fixed material of the case-management demo: invented names, the service catalogue, the
extra accounts. Every person here is invented; any likeness is chance."""

from __future__ import annotations

GIVEN_FEMALE = [
    "Ана",
    "Марија",
    "Елена",
    "Ивана",
    "Сара",
    "Arta",
    "Blerta",
    "Drita",
    "Elira",
    "Fjolla",
    "Jana",
    "Teodora",
    "Mila",
    "Lira",
    "Vesna",
    "Mirjana",
]
GIVEN_MALE = [
    "Бојан",
    "Никола",
    "Дарко",
    "Стефан",
    "Arben",
    "Besnik",
    "Driton",
    "Ilir",
    "Petar",
    "Goran",
    "Agron",
    "Marko",
    "Luan",
    "Dejan",
    "Fisnik",
    "Zoran",
]
FAMILY = [
    "Стојанов",
    "Петров",
    "Николов",
    "Илиев",
    "Krasniqi",
    "Berisha",
    "Shala",
    "Hoxha",
    "Trajkov",
    "Jovanov",
    "Dimitrov",
    "Rexhepi",
    "Ademi",
    "Mitrev",
    "Kostov",
    "Zeqiri",
]

# Accounts that make the teams believable (password: the demo password, not printed).
EXTRA_ACCOUNTS = [
    ("case_worker", "cw-bitola", "Марина", "Ристеска", "csw-bitola", "Social worker"),
    ("case_worker", "cw-opengate", "Leila", "Osmani", "ngo-open-gate", "Case manager"),
    ("case_worker", "cw-shelter", "Снежана", "Велкова", "shelter-thb", "Shelter coordinator"),
    ("case_worker", "cw-myla", "Ardit", "Bajrami", "ngo-myla", "Lawyer"),
]

# Case owners: institution key → (account, share of the cases)
OWNERS = [
    ("caseworker", 0.3),
    ("supervisor", 0.15),
    ("cw-opengate", 0.2),
    ("police", 0.15),
    ("cw-bitola", 0.2),
]

# The catalogue of support services: name, institution key, domains, women only, female
# staff, child friendly, languages
PROVIDERS = [
    (
        "State shelter for victims of trafficking",
        "shelter-thb",
        ["safety", "housing", "health", "psychological"],
        False,
        True,
        True,
        ["mk", "sq", "en"],
    ),
    (
        "Open Gate – La Strada: reintegration programme",
        "ngo-open-gate",
        ["psychological", "employment", "education", "family"],
        False,
        True,
        True,
        ["mk", "sq", "en"],
    ),
    (
        "Open Gate – La Strada: SOS helpline counselling",
        "ngo-open-gate",
        ["safety", "psychological"],
        False,
        True,
        True,
        ["mk", "sq", "en"],
    ),
    (
        "Young Lawyers Association: free legal aid",
        "ngo-myla",
        ["legal_aid", "compensation", "documents"],
        False,
        False,
        True,
        ["mk", "sq", "en"],
    ),
    (
        "ESE: legal aid and counselling for women",
        "ngo-ese",
        ["legal_aid", "compensation", "psychological"],
        True,
        True,
        False,
        ["mk", "sq"],
    ),
    (
        "HERA: sexual and reproductive health services",
        "ngo-hera",
        ["health"],
        False,
        True,
        True,
        ["mk", "sq", "en"],
    ),
    (
        "Red Cross: family tracing and emergency support",
        "ngo-red-cross",
        ["family", "housing", "safety"],
        False,
        False,
        True,
        ["mk", "sq", "en"],
    ),
    (
        "Legis: support for migrants and foreign victims",
        "ngo-legis",
        ["documents", "legal_aid", "housing"],
        False,
        False,
        False,
        ["mk", "en", "ar"],
    ),
    (
        "IOM: assisted voluntary return and reintegration",
        "io-iom",
        ["family", "employment", "documents"],
        False,
        True,
        True,
        ["mk", "sq", "en"],
    ),
    (
        "Centre for social work: social assistance and guardianship",
        "csw-skopje",
        ["family", "housing", "documents", "education"],
        False,
        True,
        True,
        ["mk", "sq"],
    ),
    (
        "Centre for social work Bitola: social assistance",
        "csw-bitola",
        ["family", "housing", "documents"],
        False,
        True,
        True,
        ["mk"],
    ),
    (
        "Vinojug reception and transit centre",
        "rtc-vinojug",
        ["safety", "housing", "health"],
        False,
        False,
        True,
        ["mk", "en", "ar"],
    ),
]

GOAL_TEXT = {
    "safety": "Safe accommodation and a safety plan",
    "health": "Medical check-up and treatment",
    "psychological": "Regular counselling sessions",
    "legal_aid": "A lawyer for the criminal proceedings",
    "compensation": "Claim state compensation (2022 law)",
    "documents": "Replace the identity documents kept by the exploiters",
    "housing": "Move to independent housing",
    "education": "Return to school or vocational training",
    "employment": "Job placement through the employment service",
    "family": "Restore safe contact with the family",
}

# Where people were exploited when abroad
DESTINATIONS = ["DE", "GR", "AT", "IT", "HR", "SI", "TR", "CH", "RS", "AL", "XK", "BG"]
