"""Red-flag indicators: the codes, their evidence, and pay judged against wages, not words."""

import pytest

from fener.analytics.ads.analysis import analyse
from fener.analytics.ads.indicators import INDICATOR_CODES, IndicatorSettings


def codes(text, lang=None, settings=None):
    return {indicator.code for indicator in analyse(text, lang, settings).indicators}


def test_the_fourteen_codes():
    assert INDICATOR_CODES == (
        "HIGH_PAY",
        "NO_EXPERIENCE",
        "FREE_TRAVEL_HOUSING",
        "UPFRONT_FEE",
        "VAGUE_EMPLOYER",
        "URGENCY",
        "PRIVATE_CHANNEL_ONLY",
        "APPEARANCE_AGE_GENDER",
        "ABROAD_RISKY_SECTOR",
        "DOCUMENTS_REQUEST",
        "DEBT_ADVANCE",
        "NO_CONTRACT",
        "VAGUE_JOB",
        "MINORS",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Барам девојки 18-25 години за хостеси во Швајцарија",
            {"APPEARANCE_AGE_GENDER", "ABROAD_RISKY_SECTOR"},
        ),
        (
            "Barame devojki za hostesi vo Švajcarija, bez iskustvo",
            {"APPEARANCE_AGE_GENDER", "NO_EXPERIENCE"},
        ),
        (
            "Kërkojmë vajza për punë, pa përvojë, banim falas",
            {"APPEARANCE_AGE_GENDER", "NO_EXPERIENCE", "FREE_TRAVEL_HOUSING"},
        ),
        (
            "Potrebne devojke, bez iskustva, smeštaj i hrana obezbeđeni",
            {"APPEARANCE_AGE_GENDER", "NO_EXPERIENCE", "FREE_TRAVEL_HOUSING"},
        ),
        (
            "Keine Erfahrung nötig, kostenlose Unterkunft, Bearbeitungsgebühr 200 €",
            {"NO_EXPERIENCE", "FREE_TRAVEL_HOUSING", "UPFRONT_FEE"},
        ),
        (
            "Senza esperienza, vitto e alloggio, lavoro in nero",
            {"NO_EXPERIENCE", "FREE_TRAVEL_HOUSING", "NO_CONTRACT"},
        ),
        (
            "URGENT! Send a copy of your passport, we arrange everything",
            {"URGENCY", "DOCUMENTS_REQUEST"},
        ),
        ("Работа од 16 години, без согласност од родители", {"MINORS"}),
        ("The ticket is paid and deducted from your salary", {"DEBT_ADVANCE"}),
        ("Easy work, well paid job for girls", {"VAGUE_JOB", "APPEARANCE_AGE_GENDER"}),
    ],
)
def test_phrases_in_every_language_and_script(text, expected):
    assert expected <= codes(text)


def test_evidence_is_the_words_of_the_ad():
    text = "ИТНО! Барам ДЕВОЈКИ без искуство. Сместување бесплатно."
    for indicator in analyse(text).indicators:
        for span in indicator.evidence:
            assert text[span.start : span.end] == span.text
    evidence = {i.code: [s.text for s in i.evidence] for i in analyse(text).indicators}
    assert evidence["URGENCY"] == ["ИТНО"]
    assert evidence["NO_EXPERIENCE"] == ["без искуство"]


def test_high_pay_compares_the_offer_with_wages_at_the_destination():
    # 3,000 EUR a month is high for North Macedonia, ordinary for Switzerland.
    assert "HIGH_PAY" in codes("Работа во Скопје, плата 3.000 евра месечно")
    assert "HIGH_PAY" not in codes("Работа во Швајцарија, плата 3.000 евра месечно")
    # Hourly pay is converted: 25 EUR an hour is about 4,300 a month.
    assert "HIGH_PAY" in codes("Arbeit in Deutschland, 25 € pro Stunde")
    assert "HIGH_PAY" not in codes("Arbeit in Deutschland, 13 € pro Stunde")
    # A fee is not pay, however large.
    assert "HIGH_PAY" not in codes("Такса 5.000 евра за виза")


def test_the_wage_table_is_configurable():
    settings = IndicatorSettings(reference_wages_eur={"MK": 2000}, high_pay_factor=1.8)
    assert "HIGH_PAY" not in codes("Работа во Скопје, плата 3.000 евра месечно", settings=settings)


def test_high_pay_evidence_is_the_amount():
    text = "Плата 4.500 евра месечно во Германија"
    high_pay = next(i for i in analyse(text).indicators if i.code == "HIGH_PAY")
    assert [span.text for span in high_pay.evidence] == ["4.500 евра"]
    assert "EUR a month" in high_pay.reason


def test_private_channel_only_and_a_real_employer():
    private = (
        "Бараме работници за сезонска работа во странство, добра плата и сместување. "
        "Јавете се само на вибер 070 123 456"
    )
    company = "Агро Сезона ДООЕЛ, ул. Македонија 1, тел. 02 3123 456, www.agrosezona.example.mk"
    assert {"PRIVATE_CHANNEL_ONLY", "VAGUE_EMPLOYER"} <= codes(private)
    assert not {"PRIVATE_CHANNEL_ONLY", "VAGUE_EMPLOYER"} & codes(company)


def test_a_few_words_are_not_an_anonymous_employer():
    assert "VAGUE_EMPLOYER" not in codes("Барам келнер, 070 123 456")


def test_a_clean_ad_raises_nothing():
    text = (
        "Хотел Парк Охрид ДООЕЛ вработува рецепционер. Договор на неопределено време, "
        "плата 32.000 денари. CV на hr@hotelpark.example.mk, тел. 046 123 456."
    )
    assert codes(text) == set()


def test_rent_and_travel_costs_are_not_high_pay():
    assert "HIGH_PAY" not in codes(
        "Kirija 1000 evra mesečno, smeštaj 900 eur mesečno se odbija od plate"
    )


def test_analysis_refuses_a_text_over_the_limit_instead_of_cutting_it():
    from fener.analytics.ads.analysis import MAX_TEXT_CHARACTERS, TextTooLong, analyse

    with pytest.raises(TextTooLong, match="longer than 20,000 characters"):
        analyse("a" * (MAX_TEXT_CHARACTERS + 1))
    assert analyse("a " * (MAX_TEXT_CHARACTERS // 2)).text.startswith("a a")
