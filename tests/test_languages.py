"""Three interface languages: complete catalogues, compiled, and used by the pages."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import fener

LOCALE = Path(fener.__file__).parent / "core" / "locale"


@pytest.mark.parametrize("language", ["mk", "sq"])
def test_every_interface_string_is_translated(language):
    with (LOCALE / language / "LC_MESSAGES" / "django.po").open("rb") as po_file:
        catalog = read_po(po_file)
    untranslated = [
        message.id
        for message in catalog
        if message.id
        and (
            not message.string
            or (isinstance(message.string, tuple) and not all(message.string))
            or message.fuzzy
        )
    ]
    assert untranslated == []
    assert len(catalog) > 150


@pytest.mark.parametrize("language", ["mk", "sq"])
def test_compiled_catalogue_matches_the_source(language):
    """The .mo that Django reads is built from the committed .po (by the build hook)."""
    import gettext

    folder = LOCALE / language / "LC_MESSAGES"
    compiled = gettext.GNUTranslations((folder / "django.mo").open("rb"))
    with (folder / "django.po").open("rb") as po_file:
        catalog = read_po(po_file)
    for message in catalog:
        if message.id and isinstance(message.id, str) and not message.context:
            assert compiled.gettext(message.id) == message.string, message.id


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "home", "directory", "log_out"),
    [
        ("mk", "Почетна", "Именик", "Одјави се"),
        ("sq", "Ballina", "Adresari", "Dilni"),
        ("en", "Home", "Directory", "Log out"),
    ],
)
def test_navigation_is_in_the_chosen_language(
    client, make_user, login, language, home, directory, log_out
):
    login(make_user("case_worker"))
    page = client.get(f"/{language}/").content.decode()
    assert f'<html lang="{language}">' in page
    assert home in page and directory in page and log_out in page


@pytest.mark.django_db
def test_language_switcher_keeps_the_page(client, make_user, login):
    login(make_user("case_worker"))
    response = client.post("/en/i18n/setlang/", {"language": "sq", "next": "/en/directory/"})
    assert response.status_code == 302
    assert response["Location"] == "/sq/directory/"


@pytest.mark.django_db
def test_unprefixed_address_follows_the_browser_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="sq")
    assert response["Location"] == "/sq/"
