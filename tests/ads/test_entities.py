"""Contacts and money, each tied to the exact words of the original ad."""

import pytest

from fener.analytics.ads.analysis import analyse
from fener.analytics.ads.devset import Counts, entity_keys, load_devset


def entities(text, lang=None):
    return analyse(text, lang).entities


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("Јавете се на 070 123 456", "+38970123456"),
        ("tel. 070/123-456", "+38970123456"),
        ("контакт 00389 70 123 456", "+38970123456"),
        ("WhatsApp +389 (0)70 123 456", "+38970123456"),
        ("пишете на wa.me/38970123456", "+38970123456"),
        ("нула седум нула 123 456 на вибер", "+38970123456"),
        ("070 два три 4 5 6 7", "+38970234567"),
        ("Anrufen: +49 151 2345 6789", "+4915123456789"),
        ("Skopje landline 02 3123 456", "+38923123456"),
    ],
)
def test_phone_numbers_in_e164(text, phone):
    assert phone in entities(text).as_dict()["phones"]


@pytest.mark.parametrize(
    "text",
    [
        "лиценца бр. 0307/2021 од Министерството",
        "Плата 36.000–42.000 ден.",
        "рок до 30.07.2026 година",
        "KvK 87654321, registered",
        "Rruga Nacionale km 7, kodi postar 1000",
    ],
)
def test_numbers_that_are_not_phones_are_left_alone(text):
    assert entities(text).phones == []


def test_albanian_ad_reads_local_numbers_where_the_ad_is():
    kosovo = entities("Punë në Prishtinë, thirrni në 044 731 092", "sq").as_dict()["phones"]
    macedonia = entities("Punë në Tetovë, thirrni në 044 399 500", "sq").as_dict()["phones"]
    assert kosovo == ["+38344731092"]
    assert macedonia == ["+38944399500"]


@pytest.mark.parametrize(
    ("text", "email"),
    [
        ("CV на hr@hotelpark.example.mk.", "hr@hotelpark.example.mk"),
        ("пишете на rabota [at] gmail [dot] com", "rabota@gmail.com"),
        ("relax.roma [chiocciola] libero [punto] it", "relax.roma@libero.it"),
        ("Ana (at) yahoo (dot) com", "ana@yahoo.com"),
    ],
)
def test_emails_also_when_disguised(text, email):
    assert entities(text).as_dict()["emails"] == [email]


def test_handles_with_their_platform():
    found = entities(
        "Telegram: @rabota_de, insta @casting.milano, t.me/jobs_eu, tiktok.com/@quick.cash. "
        "For everything else, during office hours and weekends, write to @someone"
    ).as_dict()["handles"]
    assert {"platform": "telegram", "value": "rabota_de"} in found
    assert {"platform": "instagram", "value": "casting.milano"} in found
    assert {"platform": "telegram", "value": "jobs_eu"} in found
    assert {"platform": "tiktok", "value": "quick.cash"} in found
    assert {"platform": "unknown", "value": "someone"} in found


def test_a_handle_is_not_read_as_an_email_or_a_web_address():
    found = entities("DM me on Instagram @easy.money.mk").as_dict()
    assert found["emails"] == [] and found["urls"] == []
    assert found["handles"] == [{"platform": "instagram", "value": "easy.money.mk"}]


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("Плата 1.500€", {"value": 1500, "currency": "EUR", "period": "month"}),
        ("2000 evra mesečno", {"value": 2000, "currency": "EUR", "period": "month"}),
        ("100.000 денари", {"value": 100000, "currency": "MKD", "period": None}),
        ("30 € на ден", {"value": 30, "currency": "EUR", "period": "day"}),
        ("12€/h", {"value": 12, "currency": "EUR", "period": "hour"}),
        ("od 1.200 do 1.600 evra", {"value": 1200, "max": 1600, "currency": "EUR", "period": None}),
        ("CHF 4'500 monatlich", {"value": 4500, "currency": "CHF", "period": "month"}),
        ("£11.50 per hour", {"value": 11.5, "currency": "GBP", "period": "hour"}),
        ("80.000 lekë në muaj", {"value": 80000, "currency": "ALL", "period": "month"}),
        ("taksa 200 euro për vizën", {"value": 200, "currency": "EUR", "period": None}),
    ],
)
def test_amounts_with_currency_and_period(text, amount):
    assert amount in entities(text).as_dict()["amounts"]


def test_every_entity_span_is_the_original_text():
    text = "ИТНО!! Пишете на rabota [at] gmail [dot] com или нула седум нула 123 456, плата 2.000 €"
    found = entities(text)
    for item in [*found.phones, *found.emails, *found.amounts]:
        assert text[item.span.start : item.span.end] == item.span.text
    assert found.emails[0].span.text == "rabota [at] gmail [dot] com"
    assert found.phones[0].span.text == "нула седум нула 123 456"


@pytest.mark.parametrize("kind", ["phones", "emails", "handles", "amounts", "urls"])
def test_extraction_on_the_development_set_meets_the_target(kind):
    counts = Counts()
    for ad in load_devset():
        found = analyse(ad["text"]).entities.as_dict()
        counts.add(entity_keys(kind, ad["entities"].get(kind, [])), entity_keys(kind, found[kind]))
    assert counts.f1 >= 0.95


@pytest.mark.parametrize(
    "text", ["İzmir TİCARET LTD", "raſt", "Пла́та", "\u200f070 123 456\u200e", ""]
)
def test_odd_unicode_never_breaks_the_analysis(text):
    analyse(text)


@pytest.mark.parametrize(
    "text",
    ["Sezonska rabota vo Hrvatska 01.06-30.09", "Saison 01.05 - 30.09", "Termin 02.06.-03.09."],
)
def test_day_month_ranges_are_not_phones(text):
    assert entities(text).phones == []


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("Viber broj: 070 123 456", "+38970123456"),
        ("WhatsApp numri: 069 123 4567", "+355691234567"),
        ("Tel. br. 070 123 456", "+38970123456"),
        ("Plata 1.500€ mesečno, tel 070 123 456", "+38970123456"),
    ],
)
def test_words_that_introduce_a_phone_do_not_hide_it(text, phone):
    assert entities(text).as_dict()["phones"] == [phone]


def test_a_spaced_whatsapp_link_gives_the_whole_number():
    found = entities("wa.me/+389 70 123 456").as_dict()
    assert found["handles"] == [{"platform": "whatsapp", "value": "+38970123456"}]


def test_jobs_at_a_company_is_not_an_email():
    found = entities("Jobs at Amazon.de, apply at careers.example.com").as_dict()
    assert found["emails"] == []
    assert entities("marko @ gmail . com").as_dict()["emails"] == ["marko@gmail.com"]


def test_costs_are_told_apart_from_pay():
    found = entities("Plata 10€/h, prevoz 100 evra, smeštaj 200 evra mesečno").amounts
    assert [(a.value, a.cost) for a in found] == [(10, False), (100, True), (200, True)]


def test_everyday_number_word_between_numbers_stays_a_word():
    # Albanian "në" ("at") folds like "një" ("one"); between office hours and a phone number it
    # must not become a digit and break the number.
    text = "Informata çdo ditë pune 9–16 në 02 2053 448."
    assert analyse(text, "sq").entities.as_dict()["phones"] == ["+38922053448"]
