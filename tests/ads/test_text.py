"""Normalisation, folding, transliteration, de-obfuscation and language detection."""

import pytest

from fener.analytics.text import detect_language, fold, normalize
from fener.analytics.text.aligned import AlignedText
from fener.analytics.text.deobfuscate import digits_from_words
from fener.analytics.text.translit import cyrillic_to_latin, latin_to_cyrillic


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Плата 1️⃣5️⃣0️⃣0️⃣ €", "Плата 1500 €"),
        ("𝐁𝐚𝐫𝐚𝐦𝐞 𝐫𝐚𝐛𝐨𝐭𝐧𝐢𝐜𝐢", "Barame rabotnici"),
        ("pe\u0308rvoje\u200b", "përvoje"),
        ("call ⓪⑦⓪ – now", "call 070 - now"),
        ("ＷｈａｔｓＡｐｐ", "WhatsApp"),
    ],
)
def test_normalize_cleans_what_ads_do_to_text(raw, clean):
    assert normalize(raw).text == clean


def test_normalized_spans_point_back_into_the_original():
    raw = "Тел: 0️⃣7️⃣0️⃣ 123"
    aligned = normalize(raw)
    start = aligned.text.index("070")
    begin, end = aligned.original_span(start, start + 3)
    assert raw[begin:end] == "0️⃣7️⃣0️⃣"


@pytest.mark.parametrize(
    "spelling",
    ["смештување и храна", "smeštuvanje i hrana", "smeshtuvanje i hrana", "SMESTUVANJE I HRANA"],
)
def test_every_spelling_of_a_macedonian_phrase_folds_alike(spelling):
    assert fold(AlignedText.of(spelling)).text == "smestuvane i hrana"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("ќе", "kje"),
        ("ѓубре", "gjubre"),
        ("џеб", "dzheb"),
        ("жена", "zhena"),
        ("чај", "chaj"),
        ("përvojë", "pervoje"),
        ("çmim", "cmim"),
        ("Đorđe", "Ђорђе"),
        ("Fünf", "funf"),
    ],
)
def test_folding_unifies_scripts_and_ad_hoc_digraphs(first, second):
    assert fold(AlignedText.of(first)).text == fold(AlignedText.of(second)).text


def test_transliteration_both_ways():
    assert cyrillic_to_latin("Ѓорче Петров, Ќерка, Џамија") == "Ǵorče Petrov, Ḱerka, Džamija"
    assert (
        latin_to_cyrillic("smestuvanje, kje, gjubre, dzhamija") == "сместување, ќе, ѓубре, џамија"
    )
    assert latin_to_cyrillic("Đorđe, ćevapi", "sr") == "Ђорђе, ћевапи"


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("јавете се на нула седум нула 123 456", "070123456"),
        ("zero gjashtë nëntë, tre dy pesë", "069325"),
        ("null eins fünf zwei, drei acht", "015238"),
        ("z e r o 7 0", "070"),
        ("plus four four, seven nine two four", "+447924"),
    ],
)
def test_spelled_out_digits_become_digits(raw, digits):
    converted = digits_from_words(fold(normalize(raw))).text
    assert digits in converted.replace(" ", "")


def test_ordinary_words_are_not_read_as_digits():
    text = "Si ne rregull, ne tre dite. One of our partners, due to demand"
    assert digits_from_words(fold(normalize(text))).text == fold(normalize(text)).text


@pytest.mark.parametrize(
    ("text", "language", "script"),
    [
        ("Барам работници за Германија, плата 1800 евра, сместување обезбедено", "mk", "Cyrl"),
        ("Barame rabotnici za Germanija, plata 1800 evra, smestuvanje obezbedeno", "mk", "Latn"),
        ("Потребни радници за Немачку, плата 1800 евра, смештај обезбеђен", "sr", "Cyrl"),
        ("Potrebni radnici za Nemačku, plata 1800 evra, smeštaj obezbeđen", "sr", "Latn"),
        ("Kerkojme punetore per Gjermani, rroga 2000 euro, banimi falas", "sq", "Latn"),
        ("We are hiring seasonal workers for the harvest in Kent", "en", "Latn"),
        ("Wir suchen Erntehelfer für die Saison, Unterkunft wird gestellt", "de", "Latn"),
        ("Cerchiamo operai per la raccolta, vitto e alloggio inclusi", "it", "Latn"),
        ("Търсим работници за Германия, заплата 1800 евро, общежитие", "bg", "Cyrl"),
        ("Tražimo radnike za Njemačku, plaća 1800 eura mjesečno, smještaj", "hr", "Latn"),
        ("Almanya'da çalışacak işçiler arıyoruz, maaş 1800 euro, konaklama", "tr", "Latn"),
    ],
)
def test_language_and_script(text, language, script):
    guess = detect_language(text)
    assert (guess.language, guess.script) == (language, script)


def test_language_detection_on_the_development_set_is_accurate():
    from fener.analytics.ads.devset import load_devset

    ads = load_devset()
    correct = sum(detect_language(ad["text"]).language == ad["lang"] for ad in ads)
    assert correct / len(ads) >= 0.98


def test_text_without_letters_has_no_language():
    assert detect_language("070 123 456 !!!").language is None
