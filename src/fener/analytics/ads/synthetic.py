"""Synthetic recruitment-ad *template families* for clustering benchmarks.

Criminal groups post many ads from one template: a fixed text with a few variable slots
(city, amount, phone, name, date), small word changes from retyping, Macedonian or Serbian
Cyrillic retyped in ad-hoc Latin letters, and contacts swapped between postings. A clustering
engine must put the ads of one template (a *family*) together and keep families apart.

This module generates such ads with a known family for each, so that clustering can be scored
(:func:`pairwise_scores`) and timed at any scale (:func:`generate_families`).

How one family is made
----------------------
1. A language is drawn (``mk``, ``sq``, ``sr``, ``en``, ``de``, ``it``; Macedonian and Serbian
   templates are written in Cyrillic).
2. A *profile* is drawn: job, country, sector, adjective, benefits, hours, ages, messaging app.
3. The template is composed from an opening sentence, two to five body sentences and a contact
   sentence, drawn from per-language pools of sentence patterns; alternatives inside a pattern
   (``[a|b|c]``) and the profile make the same pattern read differently in other families.
   Some families borrow one or two finished sentences from an earlier family of the same
   language: these are the *hard negatives* (shared sentences, different templates).
4. ``slots`` positions of the template are variable: every ad draws fresh values for them.
   With two or more slots the phone number is always one of them (contact swap).
5. Every ad gets per-word noise (delete, substitute, insert a filler, swap two letters), and
   Cyrillic ads are retyped in ad-hoc Latin with probability ``transliteration``.

Everything is drawn from one ``numpy.random.default_rng(seed)``, so a seed gives the same ads.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

__all__ = ["SyntheticAd", "generate_families", "pairwise_scores"]

SLOT_KINDS: tuple[str, ...] = ("city", "amount", "phone", "name", "date")
"""The kinds of variable slot, as written in sentence patterns (``{CITY}``, ``{AMOUNT}`` …)."""

LANGUAGE_WEIGHTS: dict[str, float] = {
    "mk": 0.34,
    "sq": 0.20,
    "sr": 0.16,
    "en": 0.12,
    "de": 0.09,
    "it": 0.09,
}
"""How often each language is drawn for a family (North Macedonian ads dominate)."""

CYRILLIC_LANGUAGES: frozenset[str] = frozenset({"mk", "sr"})
"""Languages whose templates are written in Cyrillic and may be retyped in Latin."""

SINGLETON_SHARE = 0.1
"""Share of families with exactly one ad; the others have ``1 + Poisson`` ads."""

HARD_NEGATIVE_SHARE = 0.2
"""Share of families that borrow one or two sentences from an earlier family."""

DONOR_RESERVOIR_SIZE = 256
"""How many earlier families per language are kept as donors of borrowed sentences."""

MINIMUM_TEMPLATE_LENGTH = 280
"""Templates shorter than this get extra body sentences (ads then land in 250–700 characters)."""
MAXIMUM_TEMPLATE_LENGTH = 700
"""Templates longer than this lose body sentences without slots."""
MINIMUM_BODY_SENTENCES = 2
MAXIMUM_BODY_SENTENCES = 5

_MARKER = "\x00"
_ALTERNATIVES = re.compile(r"\[([^\[\]]+)\]")
_SLOT_PLACEHOLDER = re.compile(r"\{(CITY|AMOUNT|PHONE|NAME|DATE)\}")
_NOISE_OPERATIONS = ("delete", "substitute", "insert", "typo")


# --------------------------------------------------------------------------------------------
# Language resources
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AmountStyle:
    """How one template writes money: a format, a range and a thousands separator.

    Attributes
    ----------
    pattern : str
        Format with a ``{number}`` field, e.g. ``"{number} евра"`` or ``"€{number}"``.
    low, high, step : int
        Amounts are multiples of ``step`` between ``low`` and ``high``.
    separator : str
        Thousands separator (``"."``, ``","``, ``" "`` or ``""``).
    """

    pattern: str
    low: int
    high: int
    step: int
    separator: str


@dataclass(frozen=True)
class LanguagePack:
    """Sentence patterns and value pools of one language.

    Attributes
    ----------
    openings, bodies, contacts : tuple of str
        Sentence patterns. Lower-case fields (``{job}``) are filled once per family from the
        profile; upper-case fields (``{PHONE}``) are slot kinds; ``[a|b]`` is an alternative.
        Every contact pattern contains ``{PHONE}``.
    jobs, countries, sectors, adjectives, benefits, platforms : tuple of str
        Profile pools. ``countries`` are written as "in <country>" phrases.
    cities, names : tuple of str
        Slot value pools.
    amount_styles : tuple of AmountStyle
        Money formats; one is chosen per family.
    phone_styles : tuple of str
        Phone formats with ``#`` for a random digit; one is chosen per family.
    date_styles : tuple of str
        Date formats with ``{day}``, ``{day2}``, ``{month2}``, ``{month_name}``, ``{year}``.
    month_names : tuple of str
        Month names, January first.
    conjunction : str
        The word for "and", used to join benefit lists.
    fillers : tuple of str
        Words inserted or substituted by word noise.
    synonyms : dict of str to str
        Lower-case words and their substitutes for word noise.
    """

    openings: tuple[str, ...]
    bodies: tuple[str, ...]
    contacts: tuple[str, ...]
    jobs: tuple[str, ...]
    countries: tuple[str, ...]
    sectors: tuple[str, ...]
    adjectives: tuple[str, ...]
    benefits: tuple[str, ...]
    platforms: tuple[str, ...]
    cities: tuple[str, ...]
    names: tuple[str, ...]
    amount_styles: tuple[AmountStyle, ...]
    phone_styles: tuple[str, ...]
    date_styles: tuple[str, ...]
    month_names: tuple[str, ...]
    conjunction: str
    fillers: tuple[str, ...]
    synonyms: dict[str, str]


_PLATFORMS = ("Viber", "WhatsApp", "Telegram", "Viber/WhatsApp", "Signal")

# fmt: off
MACEDONIAN = LanguagePack(
    openings=(
        "[ИТНО!|ВНИМАНИЕ!|Нова можност!] Бараме {count} девојки за работа како {job} {country_in}.",
        "Се бараат работници за {sector} {country_in}, {adjective} работа со [договор|пријава|сите документи].",
        "Нова понуда за работа во {CITY}: потребни се луѓе за {job} за [сезона|период] од {months} месеци.",
        "Работа {country_in} за млади лица од {age_min} до {age_max} години, позиција {job}.",
        "Вработуваме {job} за [реномирана|голема|странска] фирма од областа на {sector}.",
        "Агенција нуди {adjective} работа {country_in} за {job}, без посредници и без скриени трошоци.",
        "Сакаш да заработиш повеќе? Имаме {adjective} работа за {job} {country_in}.",
        "[Мој пријател|Наша фирма|Газдата] бара {job} {country_in}, [почеток веднаш|можно е и од утре].",
    ),
    bodies=(
        "Платата е {AMOUNT} месечно, исплата [редовно|секогаш навреме] на крајот од месецот.",
        "Заработка од {AMOUNT} неделно плус [бакшиш|бонуси|дневници] и прекувремена работа.",
        "Работно време {hours} часа дневно, {days} дена во неделата, [без ноќни смени|со пауза за ручек].",
        "Обезбедено: {benefits}.",
        "Сместувањето е бесплатно, [во убав стан|во куќа со двор|во хотел|во заедничка соба] близу до работното место.",
        "Патните трошоци ги плаќа работодавачот, а [ти го враќаш долгот|долгот се одбива] од првата плата.",
        "Поаѓање од {CITY} на {DATE}, организиран превоз со [комбе|автобус|авион].",
        "Почеток на работа: {DATE}, [местата се ограничени|бројот на места е ограничен|пријавете се навреме].",
        "Не е потребно искуство ниту [англиски|германски|познавање на јазик], обуката е на лице место.",
        "Услов: возраст од {age_min} до {age_max} години и [уреден изглед|добро здравје|сериозност].",
        "[Пасош не е потребен|Без пасош може], документите ги средуваме ние за {wait_days} дена.",
        "Аванс од {AMOUNT} се дава уште пред заминување.",
        "Работата е {adjective}, [идеална за студентки|идеална за млади мајки|погодна за сите].",
        "Бараме лица кои се подготвени веднаш да патуваат и работат {country_in}.",
        "Интервју во {CITY}, [кафуле во центарот|нашата канцеларија|хотелот кај плоштадот], секој ден од {hours} часот.",
        "За повеќе детали прашајте за {NAME}, [одговорна за вработување|нашиот менаџер|координатор].",
        "Договорот е на {months} месеци со можност за [продолжување|постојано вработување].",
        "Парите за [визата и билетот|патот и документите] ги покриваме ние, ти само дојди.",
        "Се нудат и дополнителни смени со плата до {AMOUNT}.",
        "Дискреција загарантирана, [никој нема да знае|семејството нема да дознае] каде работиш.",
        "Бараме и [другарки|парови|браќа и сестри], можете да дојдете заедно, {count} слободни места.",
        "Работниот ден е {hours} часа, викендите се [слободни|платени двојно].",
        "[Секој месец|Секоја недела] нови луѓе заминуваат од {CITY}, има уште места.",
        "Вашата прва плата е на {DATE}, {AMOUNT} во рака.",
    ),
    contacts=(
        "Јавете се на {PHONE} ({platform}), [и викенд|секој ден|до 22 часот].",
        "Контакт: {NAME}, тел. {PHONE}, пишете на {platform}.",
        "Заинтересираните нека пишат порака на {platform}: {PHONE}.",
        "Информации и пријави секој ден на {PHONE}, прашајте за {NAME}.",
        "Само сериозни [понуди|лица], јави се веднаш на {PHONE}.",
        "Испрати [слика и години|CV и слика|име и години] на {platform} {PHONE}.",
        "Повеќе информации на {PHONE}, [само порака|без повици], {platform}.",
    ),
    jobs=(
        "келнерка", "хостеса", "танчерка", "бебиситерка", "негувателка", "хигиеничарка",
        "градежен работник", "берач на овошје", "помошник во кујна", "модел", "масерка",
        "шанкерка", "магационер", "возач", "собарка", "работничка во фабрика", "шивачка",
        "промотерка", "рецепционерка", "аниматорка", "домашна помошничка", "мијач на садови",
        "пакувач",
    ),
    countries=(
        "во Германија", "во Австрија", "во Швајцарија", "во Италија", "во Грција", "во Турција",
        "во Дубаи", "на Кипар", "во Хрватска", "во Словенија", "во Холандија", "во Белгија",
        "во Полска", "во Чешка", "на Малта", "во Англија",
    ),
    sectors=(
        "угостителство", "хотелиерство", "градежништво", "земјоделство", "хигиена",
        "нега на стари лица", "забава", "логистика", "текстилна индустрија", "туризам",
    ),
    adjectives=(
        "лесна", "сигурна", "добро платена", "пријатна", "стабилна", "легална", "сезонска",
        "одлична",
    ),
    benefits=(
        "бесплатно сместување", "храна", "превоз до работа", "здравствено осигурување", "виза",
        "авионски билет", "слободни викенди", "бонуси", "договор за работа", "телефон",
        "работна облека",
    ),
    platforms=_PLATFORMS,
    cities=(
        "Скопје", "Битола", "Куманово", "Прилеп", "Тетово", "Охрид", "Велес", "Штип", "Струмица",
        "Гостивар", "Кавадарци", "Кочани", "Кичево", "Гевгелија", "Струга", "Дебар", "Виена",
        "Минхен", "Берлин", "Милано", "Атина", "Истанбул", "Дубаи", "Цирих",
    ),
    names=(
        "Марија", "Елена", "Ана", "Ивана", "Сања", "Билјана", "Катерина", "Снежана", "Горан",
        "Дејан", "Сашо", "Бобан", "Марко", "Стефан", "Никола", "Зоран", "Влатко", "Александар",
        "Драган", "Јована", "Мирјана", "Тони", "Ѓорѓи", "Жаклина",
    ),
    amount_styles=(
        AmountStyle("{number} евра", 800, 3500, 50, "."),
        AmountStyle("{number} €", 800, 3500, 100, ""),
        AmountStyle("{number} евра", 700, 3000, 100, ""),
        AmountStyle("{number} денари", 18000, 90000, 500, "."),
    ),
    phone_styles=("07# ### ###", "+389 7# ### ###", "07#/###-###", "07#######"),
    date_styles=("{day2}.{month2}.{year}", "{day2}.{month2}", "{day} {month_name}"),
    month_names=(
        "јануари", "февруари", "март", "април", "мај", "јуни", "јули", "август", "септември",
        "октомври", "ноември", "декември",
    ),
    conjunction="и",
    fillers=("итно", "!!", "супер", "топ", "веднаш", "100%"),
    synonyms={
        "работа": "ангажман",
        "бараме": "потребни",
        "плата": "заработувачка",
        "платата": "заработувачката",
        "бесплатно": "гратис",
        "девојки": "дами",
        "фирма": "компанија",
        "веднаш": "итно",
    },
)

SERBIAN = LanguagePack(
    openings=(
        "[ХИТНО!|ПАЖЊА!|Нова прилика!] Тражимо {count} девојака за рад као {job} {country_in}.",
        "Потребни радници, област: {sector}, {adjective} посао {country_in} уз [уговор|пријаву|све папире].",
        "Нова понуда за посао, локација {CITY}: тражимо особе за рад као {job}, [сезона|период] {months} месеци.",
        "Посао {country_in} за младе од {age_min} до {age_max} година, позиција: {job}.",
        "Запошљавамо особље за рад као {job}, [реномирана|велика|страна] фирма, сектор: {sector}.",
        "Агенција нуди {adjective} посао {country_in} за рад као {job}, без посредника и скривених трошкова.",
        "Желиш да зарадиш више? Имамо {adjective} посао {country_in}, позиција {job}.",
        "[Мој пријатељ|Наша фирма|Газда] тражи раднике за посао као {job} {country_in}, [почетак одмах|може и од сутра].",
    ),
    bodies=(
        "Плата је {AMOUNT} месечно, исплата [редовно|увек на време] крајем месеца.",
        "Зарада од {AMOUNT} недељно плус [бакшиш|бонуси|дневнице] и прековремени рад.",
        "Радно време {hours} сати дневно, {days} дана у недељи, [без ноћних смена|са паузом за ручак].",
        "Обезбеђено: {benefits}.",
        "Смештај је бесплатан, [у лепом стану|у кући са двориштем|у хотелу|у заједничкој соби] близу посла.",
        "Путне трошкове плаћа послодавац, а [дуг враћаш|дуг се одбија] од прве плате.",
        "Полазак из места {CITY} дана {DATE}, организован превоз [комбијем|аутобусом|авионом].",
        "Почетак рада: {DATE}, [број места је ограничен|пријавите се на време].",
        "Није потребно искуство ни знање [енглеског|немачког|језика], обука на лицу места.",
        "Услов: године од {age_min} до {age_max} и [уредан изглед|добро здравље|озбиљност].",
        "[Пасош није потребан|Може и без пасоша], папире средимо ми за {wait_days} дана.",
        "Аванс од {AMOUNT} добијате још пре поласка.",
        "Посао је {adjective}, [идеалан за студенткиње|идеалан за младе мајке|погодан за свакога].",
        "Тражимо особе спремне да одмах отпутују и раде {country_in}.",
        "Разговор у месту {CITY}, [кафић у центру|наша канцеларија|хотел код трга], сваког дана од {hours} часова.",
        "Особа за контакт: {NAME}, [пријем радника|наш менаџер|координатор].",
        "Уговор је на {months} месеци уз могућност [продужења|сталног запослења].",
        "Новац за [визу и карту|пут и папире] покривамо ми, ти само дођи.",
        "Нудимо и додатне смене са зарадом до {AMOUNT}.",
        "Дискреција загарантована, [нико неће знати|породица неће сазнати] где радиш.",
        "Тражимо и [другарице|парове|браћу и сестре], можете доћи заједно, {count} слободних места.",
        "Радни дан траје {hours} сати, викенди су [слободни|плаћени дупло].",
        "[Сваког месеца|Сваке недеље] нови људи путују из места {CITY}, има још места.",
        "Прва плата стиже {DATE}, {AMOUNT} на руке.",
    ),
    contacts=(
        "Позовите {PHONE} ({platform}), [може и викендом|сваког дана|до 22 часа].",
        "Контакт: {NAME}, тел. {PHONE}, пишите на {platform}.",
        "Заинтересовани нека пошаљу поруку на {platform}: {PHONE}.",
        "Информације и пријаве сваког дана на {PHONE}, питајте за {NAME}.",
        "Само озбиљне [понуде|особе], јави се одмах на {PHONE}.",
        "Пошаљи [слику и године|CV и слику|име и године] на {platform} {PHONE}.",
        "Више информација на {PHONE}, [само порука|без позива], {platform}.",
    ),
    jobs=(
        "конобарица", "хостеса", "плесачица", "бебиситерка", "неговатељица", "спремачица",
        "грађевински радник", "берач воћа", "помоћни радник у кухињи", "модел", "масерка",
        "шанкерица", "магационер", "возач", "собарица", "радница у фабрици", "кројачица",
        "промотерка", "рецепционерка", "аниматорка", "кућна помоћница", "перач судова", "пакер",
    ),
    countries=(
        "у Немачкој", "у Аустрији", "у Швајцарској", "у Италији", "у Грчкој", "у Турској",
        "у Дубаију", "на Кипру", "у Хрватској", "у Словенији", "у Холандији", "у Белгији",
        "у Пољској", "у Чешкој", "на Малти", "у Енглеској",
    ),
    sectors=(
        "угоститељство", "хотелијерство", "грађевинарство", "пољопривреда", "хигијена",
        "нега старих лица", "забава", "логистика", "текстилна индустрија", "туризам",
    ),
    adjectives=(
        "лак", "сигуран", "добро плаћен", "пријатан", "стабилан", "легалан", "сезонски",
        "одличан",
    ),
    benefits=(
        "бесплатан смештај", "храна", "превоз до посла", "здравствено осигурање", "виза",
        "авионска карта", "слободни викенди", "бонуси", "уговор о раду", "телефон",
        "радна одећа",
    ),
    platforms=_PLATFORMS,
    cities=(
        "Београд", "Нови Сад", "Ниш", "Крагујевац", "Суботица", "Зрењанин", "Панчево", "Чачак",
        "Краљево", "Нови Пазар", "Лесковац", "Врање", "Шабац", "Ваљево", "Беч", "Минхен",
        "Берлин", "Милано", "Цирих", "Дубаи", "Франкфурт",
    ),
    names=(
        "Милица", "Јована", "Ана", "Марија", "Јелена", "Драгана", "Снежана", "Ивана", "Ненад",
        "Драган", "Марко", "Милош", "Никола", "Зоран", "Дејан", "Бојан", "Горан", "Александар",
        "Стефан", "Владимир", "Ђорђе", "Жељко", "Маја",
    ),
    amount_styles=(
        AmountStyle("{number} евра", 800, 3500, 50, "."),
        AmountStyle("{number} €", 800, 3500, 100, ""),
        AmountStyle("{number} евра", 700, 3000, 100, ""),
        AmountStyle("{number} динара", 60000, 300000, 5000, "."),
    ),
    phone_styles=("06# ### ####", "+381 6# ### ####", "06#/###-####", "06########"),
    date_styles=("{day2}.{month2}.{year}.", "{day2}.{month2}.", "{day}. {month_name}"),
    month_names=(
        "јануар", "фебруар", "март", "април", "мај", "јун", "јул", "август", "септембар",
        "октобар", "новембар", "децембар",
    ),
    conjunction="и",
    fillers=("хитно", "!!", "супер", "топ", "одмах", "100%"),
    synonyms={
        "посао": "рад",
        "тражимо": "потребни",
        "плата": "зарада",
        "бесплатан": "гратис",
        "фирма": "компанија",
        "одмах": "хитно",
        "радници": "људи",
    },
)

ALBANIAN = LanguagePack(
    openings=(
        "[URGJENT!|KUJDES!|Mundësi e re!] Kërkojmë {count} vajza për punë si {job} {country_in}.",
        "Kërkohen punëtorë në sektorin: {sector}, punë {adjective} {country_in} me [kontratë|sigurim|të gjitha dokumentet].",
        "Ofertë e re pune në {CITY}: kërkohen persona për punë si {job} për [sezonin|periudhën] prej {months} muajsh.",
        "Punë {country_in} për të rinj nga {age_min} deri {age_max} vjeç, pozicioni {job}.",
        "Punësojmë {job} për një kompani [të njohur|të madhe|të huaj] ({sector}).",
        "Agjencia ofron punë {adjective} {country_in} si {job}, pa ndërmjetës dhe pa kosto të fshehura.",
        "Do të fitosh më shumë? Kemi punë {adjective} për {job} {country_in}.",
        "[Një shok|Firma jonë|Pronari] kërkon {job} {country_in}, [fillim menjëherë|mund edhe nga nesër].",
    ),
    bodies=(
        "Paga është {AMOUNT} në muaj, pagesa [e rregullt|gjithmonë në kohë] në fund të muajit.",
        "Fitim prej {AMOUNT} në javë plus [bakshish|bonuse|dieta] dhe orë shtesë.",
        "Orari i punës {hours} orë në ditë, {days} ditë në javë, [pa turne nate|me pushim dreke].",
        "Sigurohen: {benefits}.",
        "Akomodimi është falas, [në një apartament të bukur|në shtëpi me oborr|në hotel|në dhomë të përbashkët] afër vendit të punës.",
        "Shpenzimet e udhëtimit i paguan punëdhënësi, [borxhin e kthen|borxhi zbritet] nga paga e parë.",
        "Nisja nga {CITY} më {DATE}, transport i organizuar me [furgon|autobus|avion].",
        "Fillimi i punës: {DATE}, [vendet janë të kufizuara|aplikoni me kohë].",
        "Nuk kërkohet përvojë as njohje e [anglishtes|gjermanishtes|gjuhës], trajnimi bëhet në vend.",
        "Kusht: mosha nga {age_min} deri {age_max} vjeç dhe [pamje e rregullt|shëndet i mirë|seriozitet].",
        "[Pasaporta nuk nevojitet|Mund edhe pa pasaportë], dokumentet i rregullojmë ne për {wait_days} ditë.",
        "Paradhënie prej {AMOUNT} jepet para nisjes.",
        "Puna është {adjective}, [ideale për studente|ideale për nëna të reja|e përshtatshme për të gjithë].",
        "Kërkojmë persona të gatshëm të udhëtojnë menjëherë dhe të punojnë {country_in}.",
        "Intervista në {CITY}, [në një kafene në qendër|në zyrën tonë|në hotelin te sheshi], çdo ditë nga ora {hours}.",
        "Për më shumë detaje pyesni për {NAME}, [në zyrën tonë|menaxheri ynë|koordinatori].",
        "Kontrata është për {months} muaj me mundësi [vazhdimi|punësimi të përhershëm].",
        "Paratë për [vizën dhe biletën|udhëtimin dhe dokumentet] i mbulojmë ne, ti vetëm eja.",
        "Ofrohen edhe turne shtesë me pagë deri në {AMOUNT}.",
        "Diskrecion i garantuar, [askush nuk do ta dijë|familja nuk do ta marrë vesh] ku punon.",
        "Kërkojmë edhe [shoqe|çifte|vëllezër e motra], mund të vini bashkë, {count} vende të lira.",
        "Dita e punës është {hours} orë, fundjavat janë [të lira|të paguara dyfish].",
        "[Çdo muaj|Çdo javë] njerëz të rinj nisen nga {CITY}, ka ende vende.",
        "Paga e parë vjen më {DATE}, {AMOUNT} në dorë.",
    ),
    contacts=(
        "Telefononi në {PHONE} ({platform}), [edhe në fundjavë|çdo ditë|deri në ora 22].",
        "Kontakt: {NAME}, tel. {PHONE}, shkruani në {platform}.",
        "Të interesuarit të dërgojnë mesazh në {platform}: {PHONE}.",
        "Informata dhe aplikime çdo ditë në {PHONE}, pyesni për {NAME}.",
        "Vetëm [oferta serioze|persona seriozë], na kontaktoni menjëherë në {PHONE}.",
        "Dërgo [foto dhe moshën|CV dhe foto|emrin dhe moshën] në {platform} {PHONE}.",
        "Më shumë informata në {PHONE}, [vetëm mesazh|pa thirrje], {platform}.",
    ),
    jobs=(
        "kameriere", "hostesë", "balerinë", "dado", "kujdestare për të moshuar", "pastruese",
        "punëtor ndërtimi", "mbledhës frutash", "ndihmës kuzhine", "modele", "masazhiste",
        "banakiere", "magazinier", "shofer", "pastruese hoteli", "punëtore fabrike",
        "rrobaqepëse", "promovuese", "recepsioniste", "animatore", "shërbyese shtëpie",
        "larëse enësh", "paketuese",
    ),
    countries=(
        "në Gjermani", "në Austri", "në Zvicër", "në Itali", "në Greqi", "në Turqi", "në Dubai",
        "në Qipro", "në Kroaci", "në Slloveni", "në Holandë", "në Belgjikë", "në Poloni",
        "në Çeki", "në Maltë", "në Angli",
    ),
    sectors=(
        "hoteleri", "restorante", "ndërtim", "bujqësi", "pastrim", "kujdes për të moshuar",
        "argëtim", "logjistikë", "industri tekstili", "turizëm",
    ),
    adjectives=(
        "e lehtë", "e sigurt", "e paguar mirë", "e këndshme", "e qëndrueshme", "e ligjshme",
        "sezonale", "e shkëlqyer",
    ),
    benefits=(
        "akomodim falas", "ushqim", "transport deri në punë", "sigurim shëndetësor", "vizë",
        "biletë avioni", "fundjava të lira", "bonuse", "kontratë pune", "telefon",
        "rroba pune",
    ),
    platforms=_PLATFORMS,
    cities=(
        "Tiranë", "Durrës", "Shkodër", "Elbasan", "Vlorë", "Korçë", "Fier", "Prishtinë",
        "Prizren", "Pejë", "Shkup", "Tetovë", "Gostivar", "Strugë", "Kumanovë", "Milano",
        "Athinë", "Mynih", "Vjenë", "Dubai", "Stamboll",
    ),
    names=(
        "Arben", "Besnik", "Blerta", "Drita", "Ermal", "Fatmir", "Genta", "Leonora", "Arta",
        "Valon", "Mimoza", "Shpresa", "Agron", "Ilir", "Liridona", "Dritan", "Elona", "Kujtim",
        "Besa", "Flamur",
    ),
    amount_styles=(
        AmountStyle("{number} euro", 800, 3500, 50, ""),
        AmountStyle("{number} €", 800, 3500, 100, "."),
        AmountStyle("{number} EUR", 700, 3000, 100, ""),
        AmountStyle("{number} lekë", 60000, 300000, 5000, "."),
    ),
    phone_styles=("+355 6# ### ####", "06# ### ####", "+383 4# ### ###", "07# ### ###"),
    date_styles=("{day2}.{month2}.{year}", "{day2}/{month2}", "{day} {month_name}"),
    month_names=(
        "janar", "shkurt", "mars", "prill", "maj", "qershor", "korrik", "gusht", "shtator",
        "tetor", "nëntor", "dhjetor",
    ),
    conjunction="dhe",
    fillers=("urgjent", "!!", "super", "top", "menjëherë", "100%"),
    synonyms={
        "punë": "angazhim",
        "kërkojmë": "nevojiten",
        "paga": "rroga",
        "falas": "gratis",
        "vajza": "zonja",
        "kompani": "firmë",
        "menjëherë": "shpejt",
    },
)

ENGLISH = LanguagePack(
    openings=(
        "[URGENT!|ATTENTION!|New opportunity!] We are looking for {count} girls to work as {job} {country_in}.",
        "Workers needed in {sector} {country_in}, {adjective} job with [contract|insurance|all papers].",
        "New job offer in {CITY}: {job} wanted for a [season|period] of {months} months.",
        "Work {country_in} for young people aged {age_min} to {age_max}, position: {job}.",
        "We are hiring {job} staff for a [well-known|large|foreign] {sector} company.",
        "Agency offers {adjective} work {country_in} as {job}, no middlemen and no hidden costs.",
        "Want to earn more? We have {adjective} jobs for {job} staff {country_in}.",
        "[A friend of mine|Our company|My boss] needs a {job} {country_in}, [start immediately|you can start tomorrow].",
    ),
    bodies=(
        "Salary is {AMOUNT} per month, paid [regularly|always on time] at the end of the month.",
        "Earn {AMOUNT} per week plus [tips|bonuses|daily allowance] and overtime.",
        "Working hours {hours} hours a day, {days} days a week, [no night shifts|with a lunch break].",
        "We provide: {benefits}.",
        "Accommodation is free, [in a nice flat|in a house with a garden|in a hotel|in a shared room] close to the workplace.",
        "Travel costs are paid by the employer and [you pay back the debt|the debt is deducted] from your first salary.",
        "Departure from {CITY} on {DATE}, organised transport by [van|bus|plane].",
        "Start date: {DATE}, [places are limited|apply in time].",
        "No experience or [English|German|language skills] needed, training on site.",
        "Requirements: age {age_min} to {age_max} and [neat appearance|good health|seriousness].",
        "[No passport needed|You can come without a passport], we arrange all documents within {wait_days} days.",
        "An advance of {AMOUNT} is given before departure.",
        "The job is {adjective}, [ideal for students|ideal for young mothers|suitable for everyone].",
        "We need people ready to travel immediately and work {country_in}.",
        "Interview in {CITY}, [in a cafe in the centre|at our office|at the hotel by the square], every day from {hours} o'clock.",
        "For more details ask for {NAME}, [at our office|our manager|the coordinator].",
        "The contract is for {months} months with the option [to extend|of a permanent job].",
        "We cover the money for [the visa and ticket|travel and documents], you just come.",
        "Extra shifts are also offered with pay up to {AMOUNT}.",
        "Discretion guaranteed, [nobody will know|your family will not find out] where you work.",
        "We also take [friends|couples|brothers and sisters], you can come together, {count} free places.",
        "The working day is {hours} hours, weekends are [free|paid double].",
        "[Every month|Every week] new people leave from {CITY}, there are still places.",
        "Your first salary is paid on {DATE}, {AMOUNT} cash in hand.",
    ),
    contacts=(
        "Call {PHONE} ({platform}), [weekends too|every day|until 10 pm].",
        "Contact: {NAME}, tel. {PHONE}, write on {platform}.",
        "Interested candidates send a message on {platform}: {PHONE}.",
        "Information and applications every day at {PHONE}, ask for {NAME}.",
        "Serious [offers|people] only, call now on {PHONE}.",
        "Send [a photo and your age|your CV and a photo|your name and age] on {platform} {PHONE}.",
        "More information at {PHONE}, [messages only|no calls], {platform}.",
    ),
    jobs=(
        "waitress", "hostess", "dancer", "babysitter", "elderly caregiver", "cleaner",
        "construction worker", "fruit picker", "kitchen helper", "model", "massage therapist",
        "bartender", "warehouse worker", "driver", "hotel maid", "factory worker", "seamstress",
        "promoter", "receptionist", "entertainer", "housekeeper", "dishwasher", "packer",
    ),
    countries=(
        "in Germany", "in Austria", "in Switzerland", "in Italy", "in Greece", "in Turkey",
        "in Dubai", "in Cyprus", "in Croatia", "in Slovenia", "in the Netherlands", "in Belgium",
        "in Poland", "in the Czech Republic", "in Malta", "in the UK",
    ),
    sectors=(
        "hospitality", "hotel", "construction", "agriculture", "cleaning", "elderly care",
        "entertainment", "logistics", "textile", "tourism",
    ),
    adjectives=(
        "easy", "safe", "well-paid", "pleasant", "stable", "legal", "seasonal", "excellent",
    ),
    benefits=(
        "free accommodation", "meals", "transport to work", "health insurance", "visa",
        "plane ticket", "free weekends", "bonuses", "work contract", "phone", "work clothes",
    ),
    platforms=_PLATFORMS,
    cities=(
        "London", "Manchester", "Dubai", "Berlin", "Vienna", "Milan", "Athens", "Istanbul",
        "Skopje", "Belgrade", "Tirana", "Pristina", "Munich", "Zurich", "Amsterdam", "Brussels",
        "Warsaw", "Prague", "Nicosia", "Valletta",
    ),
    names=(
        "John", "Anna", "Mike", "Sarah", "Alex", "Linda", "David", "Emma", "Chris", "Kate",
        "Peter", "Maria", "Tom", "Nina", "Daniel", "Sophie", "Mark", "Helen",
    ),
    amount_styles=(
        AmountStyle("€{number}", 800, 3500, 50, ","),
        AmountStyle("{number} EUR", 800, 3500, 100, ""),
        AmountStyle("£{number}", 700, 3000, 100, ","),
        AmountStyle("${number}", 900, 4000, 100, ","),
    ),
    phone_styles=("+44 7### ######", "+971 5# ### ####", "+49 15# #######", "+389 7# ### ###"),
    date_styles=("{day2}/{month2}/{year}", "{month_name} {day}", "{day} {month_name}"),
    month_names=(
        "January", "February", "March", "April", "May", "June", "July", "August", "September",
        "October", "November", "December",
    ),
    conjunction="and",
    fillers=("urgent", "!!", "super", "top", "now", "100%"),
    synonyms={
        "job": "position",
        "work": "job",
        "salary": "pay",
        "free": "no-cost",
        "girls": "ladies",
        "company": "firm",
        "immediately": "asap",
    },
)

GERMAN = LanguagePack(
    openings=(
        "[DRINGEND!|ACHTUNG!|Neue Chance!] Wir suchen {count} Mädchen für die Arbeit als {job} {country_in}.",
        "Arbeitskräfte gesucht, Branche: {sector}, {adjective} Arbeit {country_in} mit [Vertrag|Anmeldung|allen Papieren].",
        "Neues Jobangebot in {CITY}: {job} gesucht für eine [Saison|Zeit] von {months} Monaten.",
        "Arbeit {country_in} für junge Leute von {age_min} bis {age_max} Jahren, Stelle als {job}.",
        "Wir stellen ein: {job} für ein [bekanntes|großes|ausländisches] Unternehmen (Branche: {sector}).",
        "Agentur bietet {adjective} Arbeit {country_in} als {job}, ohne Vermittler und ohne versteckte Kosten.",
        "Du willst mehr verdienen? Wir haben {adjective} Arbeit als {job} {country_in}.",
        "[Ein Freund von mir|Unsere Firma|Mein Chef] sucht eine Kraft als {job} {country_in}, [Beginn sofort|Start auch morgen möglich].",
    ),
    bodies=(
        "Der Lohn beträgt {AMOUNT} im Monat, Zahlung [pünktlich|immer regelmäßig] am Monatsende.",
        "Verdienst {AMOUNT} pro Woche plus [Trinkgeld|Prämien|Tagegeld] und Überstunden.",
        "Arbeitszeit {hours} Stunden am Tag, {days} Tage die Woche, [keine Nachtschichten|mit Mittagspause].",
        "Wir bieten: {benefits}.",
        "Die Unterkunft ist kostenlos, [eine schöne Wohnung|ein Haus mit Garten|ein Hotel|ein gemeinsames Zimmer] nahe am Arbeitsplatz.",
        "Die Reisekosten übernimmt der Arbeitgeber, [die Schulden zahlst du vom ersten Lohn zurück|der Betrag wird vom ersten Lohn abgezogen].",
        "Abfahrt ab {CITY} am {DATE}, organisierter Transport mit [Kleinbus|Bus|Flugzeug].",
        "Arbeitsbeginn: {DATE}, [die Plätze sind begrenzt|bitte rechtzeitig melden].",
        "Keine Erfahrung und keine [Englischkenntnisse|Deutschkenntnisse|Sprachkenntnisse] nötig, Einarbeitung vor Ort.",
        "Voraussetzung: Alter {age_min} bis {age_max} Jahre und [gepflegtes Aussehen|gute Gesundheit|Zuverlässigkeit].",
        "[Kein Reisepass nötig|Auch ohne Reisepass möglich], die Papiere erledigen wir in {wait_days} Tagen.",
        "Vorschuss von {AMOUNT} schon vor der Abreise.",
        "Eine {adjective} Tätigkeit, [ideal für Studentinnen|ideal für junge Mütter|für alle geeignet].",
        "Wir suchen Personen, die sofort reisen und {country_in} arbeiten können.",
        "Vorstellungsgespräch in {CITY}, [in einem Café im Zentrum|in unserem Büro|im Hotel am Platz], täglich ab {hours} Uhr.",
        "Für mehr Details nach {NAME} fragen, [in unserem Büro|unser Manager|die Koordination].",
        "Der Vertrag läuft {months} Monate mit Möglichkeit [zur Verlängerung|auf Festanstellung].",
        "Das Geld für [Visum und Ticket|Reise und Papiere] übernehmen wir, du musst nur kommen.",
        "Zusätzliche Schichten mit Verdienst bis zu {AMOUNT} möglich.",
        "Diskretion garantiert, [niemand wird wissen|deine Familie erfährt nicht], wo du arbeitest.",
        "Wir nehmen auch [Freundinnen|Paare|Geschwister], ihr könnt zusammen kommen, {count} freie Plätze.",
        "Der Arbeitstag hat {hours} Stunden, die Wochenenden sind [frei|doppelt bezahlt].",
        "[Jeden Monat|Jede Woche] fahren neue Leute ab {CITY}, es gibt noch Plätze.",
        "Der erste Lohn kommt am {DATE}, {AMOUNT} bar auf die Hand.",
    ),
    contacts=(
        "Ruf an unter {PHONE} ({platform}), [auch am Wochenende|jeden Tag|bis 22 Uhr].",
        "Kontakt: {NAME}, Tel. {PHONE}, schreib auf {platform}.",
        "Interessenten bitte Nachricht auf {platform}: {PHONE}.",
        "Infos und Bewerbungen täglich unter {PHONE}, nach {NAME} fragen.",
        "Nur ernst gemeinte [Anfragen|Bewerbungen], sofort melden unter {PHONE}.",
        "Schick [ein Foto und dein Alter|Lebenslauf und Foto|Name und Alter] per {platform} an {PHONE}.",
        "Mehr Infos unter {PHONE}, [nur Nachrichten|keine Anrufe], {platform}.",
    ),
    jobs=(
        "Kellnerin", "Hostess", "Tänzerin", "Babysitterin", "Altenpflegerin", "Reinigungskraft",
        "Bauarbeiter", "Erntehelfer", "Küchenhilfe", "Model", "Masseurin", "Barkeeperin",
        "Lagerarbeiter", "Fahrer", "Zimmermädchen", "Fabrikarbeiterin", "Näherin", "Promoterin",
        "Rezeptionistin", "Animateurin", "Haushaltshilfe", "Spülkraft", "Verpackerin",
    ),
    countries=(
        "in Deutschland", "in Österreich", "in der Schweiz", "in Italien", "in Griechenland",
        "in der Türkei", "in Dubai", "auf Zypern", "in Kroatien", "in Slowenien",
        "in den Niederlanden", "in Belgien", "in Polen", "in Tschechien", "auf Malta",
        "in England",
    ),
    sectors=(
        "Gastronomie", "Hotellerie", "Baugewerbe", "Landwirtschaft", "Gebäudereinigung",
        "Altenpflege", "Unterhaltung", "Logistik", "Textilindustrie", "Tourismus",
    ),
    adjectives=(
        "leichte", "sichere", "gut bezahlte", "angenehme", "feste", "legale", "saisonale",
        "hervorragende",
    ),
    benefits=(
        "kostenlose Unterkunft", "Verpflegung", "Transport zur Arbeit", "Krankenversicherung",
        "Visum", "Flugticket", "freie Wochenenden", "Prämien", "Arbeitsvertrag", "Handy",
        "Arbeitskleidung",
    ),
    platforms=_PLATFORMS,
    cities=(
        "Berlin", "München", "Hamburg", "Frankfurt", "Stuttgart", "Köln", "Düsseldorf",
        "Nürnberg", "Wien", "Graz", "Linz", "Salzburg", "Zürich", "Basel", "Bern", "Dortmund",
        "Leipzig", "Hannover", "Innsbruck",
    ),
    names=(
        "Jürgen", "Stefan", "Anja", "Katrin", "Thomas", "Sabine", "Michael", "Petra", "Andreas",
        "Monika", "Frank", "Claudia", "Markus", "Nicole", "Uwe", "Sandra", "Dieter", "Julia",
    ),
    amount_styles=(
        AmountStyle("{number} €", 800, 3500, 50, "."),
        AmountStyle("{number} Euro", 800, 3500, 100, ""),
        AmountStyle("{number} EUR", 700, 3000, 100, "."),
        AmountStyle("{number} CHF", 1500, 5000, 100, "'"),
    ),
    phone_styles=("+49 15# #######", "015# #######", "+49 17# #######", "+43 66# ######"),
    date_styles=("{day2}.{month2}.{year}", "{day2}.{month2}.", "{day}. {month_name}"),
    month_names=(
        "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
        "Oktober", "November", "Dezember",
    ),
    conjunction="und",
    fillers=("dringend", "!!", "super", "top", "sofort", "100%"),
    synonyms={
        "arbeit": "Job",
        "lohn": "Gehalt",
        "kostenlos": "gratis",
        "mädchen": "Damen",
        "unternehmen": "Firma",
        "sofort": "dringend",
        "suchen": "brauchen",
    },
)

ITALIAN = LanguagePack(
    openings=(
        "[URGENTE!|ATTENZIONE!|Nuova occasione!] Cerchiamo {count} ragazze per lavorare come {job} {country_in}.",
        "Cercasi lavoratori, settore: {sector}, lavoro {adjective} {country_in} con [contratto|assicurazione|tutti i documenti].",
        "Nuova offerta di lavoro a {CITY}: cercasi {job} per [una stagione|un periodo] di {months} mesi.",
        "Lavoro {country_in} per giovani dai {age_min} ai {age_max} anni, posizione: {job}.",
        "Assumiamo {job} per una [nota|grande|importante] azienda (settore: {sector}).",
        "Agenzia offre lavoro {adjective} {country_in} come {job}, senza intermediari e senza costi nascosti.",
        "Vuoi guadagnare di più? Abbiamo lavoro {adjective} come {job} {country_in}.",
        "[Un mio amico|La nostra ditta|Il mio capo] cerca {job} {country_in}, [inizio subito|si può iniziare anche domani].",
    ),
    bodies=(
        "Lo stipendio è di {AMOUNT} al mese, pagamento [regolare|sempre puntuale] a fine mese.",
        "Guadagno di {AMOUNT} a settimana più [mance|bonus|diaria] e straordinari.",
        "Orario di lavoro {hours} ore al giorno, {days} giorni a settimana, [niente turni di notte|con pausa pranzo].",
        "Offriamo: {benefits}.",
        "L'alloggio è gratuito, [in un bell'appartamento|in una casa con giardino|in albergo|in camera condivisa] vicino al posto di lavoro.",
        "Le spese di viaggio le paga il datore di lavoro, [il debito lo restituisci|il debito viene trattenuto] dal primo stipendio.",
        "Partenza da {CITY} il {DATE}, trasporto organizzato con [pulmino|pullman|aereo].",
        "Inizio lavoro: {DATE}, [posti limitati|candidatevi in tempo].",
        "Non serve esperienza né conoscenza [dell'inglese|del tedesco|della lingua], formazione sul posto.",
        "Requisiti: età dai {age_min} ai {age_max} anni e [bella presenza|buona salute|serietà].",
        "[Il passaporto non serve|Si può venire anche senza passaporto], i documenti li sistemiamo noi in {wait_days} giorni.",
        "Anticipo di {AMOUNT} già prima della partenza.",
        "Il lavoro è {adjective}, [ideale per studentesse|ideale per giovani mamme|adatto a tutti].",
        "Cerchiamo persone pronte a partire subito e lavorare {country_in}.",
        "Colloquio a {CITY}, [in un bar del centro|nel nostro ufficio|all'hotel della piazza], tutti i giorni dalle {hours}.",
        "Per maggiori dettagli chiedere di {NAME}, [in ufficio|il nostro responsabile|la coordinatrice].",
        "Il contratto è di {months} mesi con possibilità di [rinnovo|assunzione fissa].",
        "I soldi per [visto e biglietto|viaggio e documenti] li copriamo noi, tu devi solo venire.",
        "Si offrono anche turni extra con paga fino a {AMOUNT}.",
        "Massima discrezione, [nessuno saprà|la tua famiglia non saprà] dove lavori.",
        "Accettiamo anche [amiche|coppie|fratelli e sorelle], potete venire insieme, {count} posti liberi.",
        "La giornata di lavoro è di {hours} ore, i fine settimana sono [liberi|pagati doppio].",
        "[Ogni mese|Ogni settimana] partono persone nuove da {CITY}, ci sono ancora posti.",
        "Il primo stipendio arriva il {DATE}, {AMOUNT} in contanti.",
    ),
    contacts=(
        "Chiamate il {PHONE} ({platform}), [anche nel weekend|tutti i giorni|fino alle 22].",
        "Contatto: {NAME}, tel. {PHONE}, scrivete su {platform}.",
        "Gli interessati mandino un messaggio su {platform}: {PHONE}.",
        "Informazioni e candidature tutti i giorni al {PHONE}, chiedere di {NAME}.",
        "Solo [persone serie|proposte serie], chiama subito il {PHONE}.",
        "Manda [foto ed età|curriculum e foto|nome ed età] su {platform} al {PHONE}.",
        "Più informazioni al {PHONE}, [solo messaggi|niente chiamate], {platform}.",
    ),
    jobs=(
        "cameriera", "hostess", "ballerina", "babysitter", "badante", "addetta alle pulizie",
        "muratore", "raccoglitore di frutta", "aiuto cuoco", "modella", "massaggiatrice",
        "barista", "magazziniere", "autista", "cameriera ai piani", "operaia", "sarta",
        "promoter", "receptionist", "animatrice", "colf", "lavapiatti", "confezionatrice",
    ),
    countries=(
        "in Germania", "in Austria", "in Svizzera", "in Italia", "in Grecia", "in Turchia",
        "a Dubai", "a Cipro", "in Croazia", "in Slovenia", "nei Paesi Bassi", "in Belgio",
        "in Polonia", "in Repubblica Ceca", "a Malta", "in Inghilterra",
    ),
    sectors=(
        "ristorazione", "alberghiero", "edilizia", "agricoltura", "pulizie",
        "assistenza anziani", "intrattenimento", "logistica", "tessile", "turismo",
    ),
    adjectives=(
        "facile", "sicuro", "ben pagato", "piacevole", "stabile", "regolare", "stagionale",
        "ottimo",
    ),
    benefits=(
        "alloggio gratuito", "vitto", "trasporto al lavoro", "assicurazione sanitaria", "visto",
        "biglietto aereo", "weekend liberi", "bonus", "contratto di lavoro", "telefono",
        "abiti da lavoro",
    ),
    platforms=_PLATFORMS,
    cities=(
        "Milano", "Roma", "Torino", "Napoli", "Bologna", "Verona", "Bari", "Firenze", "Venezia",
        "Genova", "Palermo", "Padova", "Brescia", "Bergamo", "Trieste", "Rimini", "Catania",
    ),
    names=(
        "Marco", "Giulia", "Luca", "Francesca", "Alessandro", "Chiara", "Giuseppe", "Sara",
        "Matteo", "Elena", "Davide", "Valentina", "Paolo", "Federica", "Roberto", "Silvia",
        "Andrea", "Martina",
    ),
    amount_styles=(
        AmountStyle("{number} €", 800, 3500, 50, "."),
        AmountStyle("{number} euro", 800, 3500, 100, ""),
        AmountStyle("€ {number}", 700, 3000, 100, "."),
        AmountStyle("{number} EUR", 900, 4000, 100, ""),
    ),
    phone_styles=("+39 3## ### ####", "3## ### ####", "+39 3#########", "3##/#######"),
    date_styles=("{day2}/{month2}/{year}", "{day} {month_name}", "{day2}.{month2}"),
    month_names=(
        "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
        "settembre", "ottobre", "novembre", "dicembre",
    ),
    conjunction="e",
    fillers=("urgente", "!!", "super", "top", "subito", "100%"),
    synonyms={
        "lavoro": "impiego",
        "stipendio": "paga",
        "gratuito": "gratis",
        "ragazze": "signore",
        "azienda": "ditta",
        "subito": "urgente",
        "cerchiamo": "cercasi",
    },
)

# fmt: on

LANGUAGE_PACKS: dict[str, LanguagePack] = {
    "mk": MACEDONIAN,
    "sq": ALBANIAN,
    "sr": SERBIAN,
    "en": ENGLISH,
    "de": GERMAN,
    "it": ITALIAN,
}
"""Sentence patterns and value pools, by language code."""


# --------------------------------------------------------------------------------------------
# Ad-hoc transliteration (Cyrillic → Latin as people type it)
# --------------------------------------------------------------------------------------------

# fmt: off
_COMMON_CYRILLIC_TO_LATIN: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "з": "z", "и": "i", "ј": "j",
    "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n", "њ": "nj", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "c",
}
# fmt: on

_MACEDONIAN_FIXED: dict[str, str] = {"ѕ": "dz"}
_SERBIAN_FIXED: dict[str, str] = {"ђ": "dj", "џ": "dz"}

# Each entry: the letters that one writer spells alike, and the spellings to choose from.
_MACEDONIAN_VARIANTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ш", ("sh", "s")),
    ("ж", ("zh", "z")),
    ("ч", ("ch", "c")),
    ("ќ", ("kj", "k", "k'")),
    ("ѓ", ("gj", "g", "g'")),
    ("џ", ("dzh", "dz")),
)
_SERBIAN_VARIANTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ш", ("s", "sh")),
    ("чћ", ("c", "ch")),
    ("ж", ("z", "zh")),
)
_TRANSLITERATION_VARIANTS = {"mk": _MACEDONIAN_VARIANTS, "sr": _SERBIAN_VARIANTS}
_TRANSLITERATION_FIXED = {"mk": _MACEDONIAN_FIXED, "sr": _SERBIAN_FIXED}


@cache
def _translation_table(lang: str, choices: tuple[int, ...]) -> dict[int, str]:
    """The ``str.translate`` table of one writer's Latin spelling.

    Parameters
    ----------
    lang : str
        ``"mk"`` or ``"sr"``.
    choices : tuple of int
        For every variant group of the language, the index of the chosen spelling.

    Returns
    -------
    dict of int to str
        Lower- and upper-case Cyrillic code points mapped to Latin spellings.
    """
    lower_case = dict(_COMMON_CYRILLIC_TO_LATIN) | _TRANSLITERATION_FIXED[lang]
    for (letters, spellings), choice in zip(_TRANSLITERATION_VARIANTS[lang], choices, strict=True):
        for letter in letters:
            lower_case[letter] = spellings[choice]
    table: dict[int, str] = {}
    for letter, spelling in lower_case.items():
        table[ord(letter)] = spelling
        table[ord(letter.upper())] = spelling[:1].upper() + spelling[1:]
    return table


def _transliterate(text: str, lang: str, rng: np.random.Generator) -> str:
    """Retype Cyrillic ``text`` in ad-hoc Latin, with one spelling choice per letter group.

    >>> _transliterate("Работа во Штип", "mk", np.random.default_rng(0)) in (
    ...     "Rabota vo Shtip", "Rabota vo Stip")
    True
    """
    variants = _TRANSLITERATION_VARIANTS[lang]
    highs = [len(spellings) for _, spellings in variants]
    choices = tuple(int(choice) for choice in rng.integers(0, highs))
    return text.translate(_translation_table(lang, choices))


# --------------------------------------------------------------------------------------------
# Slot values
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _SlotStyles:
    """The formats one family uses for its amounts, phones and dates."""

    amount: AmountStyle
    phone: str
    date: str


def _pick(rng: np.random.Generator, pool: Sequence[str]) -> str:
    """One element of ``pool``, uniformly."""
    return pool[int(rng.integers(len(pool)))]


def _format_amount(rng: np.random.Generator, style: AmountStyle) -> str:
    """A fresh amount in the family's money format, e.g. ``"1.850 евра"``."""
    steps = rng.integers(style.low // style.step, style.high // style.step + 1)
    number = f"{int(steps) * style.step:,}".replace(",", style.separator)
    return style.pattern.format(number=number)


def _format_phone(rng: np.random.Generator, style: str) -> str:
    """A fresh phone number in the family's format (``#`` becomes a random digit)."""
    digits = iter(rng.integers(0, 10, size=style.count("#")).tolist())
    return "".join(str(next(digits)) if character == "#" else character for character in style)


def _format_date(rng: np.random.Generator, style: str, month_names: Sequence[str]) -> str:
    """A fresh date in the family's date format."""
    day, month = (int(value) for value in rng.integers((1, 1), (29, 13)))
    return style.format(
        day=day,
        day2=f"{day:02d}",
        month2=f"{month:02d}",
        month_name=month_names[month - 1],
    )


def _draw_slot_value(
    kind: str, rng: np.random.Generator, pack: LanguagePack, styles: _SlotStyles
) -> str:
    """A fresh value of one slot kind, in the family's language and formats."""
    if kind == "city":
        return _pick(rng, pack.cities)
    if kind == "name":
        return _pick(rng, pack.names)
    if kind == "amount":
        return _format_amount(rng, styles.amount)
    if kind == "phone":
        return _format_phone(rng, styles.phone)
    if kind == "date":
        return _format_date(rng, styles.date, pack.month_names)
    raise ValueError(f"unknown slot kind {kind!r}")


def _draw_slot_styles(rng: np.random.Generator, pack: LanguagePack) -> _SlotStyles:
    """The money, phone and date formats of a new family (the year is fixed per family)."""
    year = str(2025 + int(rng.integers(2)))
    date_style = _pick(rng, pack.date_styles).replace("{year}", year)
    amount_style = pack.amount_styles[int(rng.integers(len(pack.amount_styles)))]
    return _SlotStyles(amount=amount_style, phone=_pick(rng, pack.phone_styles), date=date_style)


def _draw_slot_kinds(rng: np.random.Generator, slots: int) -> tuple[str, ...]:
    """The variable slot kinds of a new family: the phone plus others, or any one kind."""
    if slots == 1:
        return (_pick(rng, SLOT_KINDS),)
    others = [kind for kind in SLOT_KINDS if kind != "phone"]
    chosen = rng.choice(len(others), size=slots - 1, replace=False)
    return ("phone", *(others[int(index)] for index in chosen))


# --------------------------------------------------------------------------------------------
# Templates
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _SlotToken:
    """A variable word of a template: its position, kind and the punctuation around it."""

    position: int
    kind: str
    prefix: str
    suffix: str


@dataclass(frozen=True)
class _Template:
    """The fixed words and variable slots of one family.

    ``words`` holds an empty string at every slot position; ``noise_positions`` are the
    positions of the fixed words without digits, the only ones word noise may change.
    """

    lang: str
    words: tuple[str, ...]
    slot_tokens: tuple[_SlotToken, ...]
    noise_positions: npt.NDArray[np.int64]
    styles: _SlotStyles


@dataclass
class _DonorReservoir:
    """Finished body sentences of earlier families, per language, to be borrowed."""

    families: dict[str, list[tuple[str, ...]]]

    def borrow(self, rng: np.random.Generator, lang: str) -> list[str]:
        """One or two sentences of one earlier family of ``lang`` (none if there is none)."""
        donors = self.families.get(lang)
        if not donors:
            return []
        sentences = donors[int(rng.integers(len(donors)))]
        count = min(len(sentences), 1 + int(rng.integers(2)))
        chosen = rng.choice(len(sentences), size=count, replace=False)
        return [sentences[int(index)] for index in chosen]

    def remember(self, rng: np.random.Generator, lang: str, sentences: tuple[str, ...]) -> None:
        """Keep ``sentences`` as a possible donor, replacing a random one when full."""
        donors = self.families.setdefault(lang, [])
        if len(donors) < DONOR_RESERVOIR_SIZE:
            donors.append(sentences)
        else:
            donors[int(rng.integers(DONOR_RESERVOIR_SIZE))] = sentences


@cache
def _pattern_slot_kinds(pattern: str) -> frozenset[str]:
    """The slot kinds a sentence pattern contains (``{PHONE}`` → ``"phone"``)."""
    return frozenset(match.lower() for match in _SLOT_PLACEHOLDER.findall(pattern))


def _join_list(items: Sequence[str], conjunction: str) -> str:
    """``["a", "b", "c"]`` → ``"a, b and c"`` (with the language's conjunction)."""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def _draw_profile(rng: np.random.Generator, pack: LanguagePack) -> dict[str, str]:
    """The fixed choices of a new family: job, country, benefits, hours, ages …"""
    benefit_count = 2 + int(rng.integers(3))
    benefit_indices = rng.choice(len(pack.benefits), size=benefit_count, replace=False)
    benefits = [pack.benefits[int(index)] for index in benefit_indices]
    return {
        "job": _pick(rng, pack.jobs),
        "country_in": _pick(rng, pack.countries),
        "sector": _pick(rng, pack.sectors),
        "adjective": _pick(rng, pack.adjectives),
        "benefits": _join_list(benefits, pack.conjunction),
        "platform": _pick(rng, pack.platforms),
        "count": str(2 + int(rng.integers(19))),
        "months": str(3 + int(rng.integers(10))),
        "wait_days": str(5 + int(rng.integers(26))),
        "hours": str(6 + int(rng.integers(7))),
        "days": str(5 + int(rng.integers(3))),
        "age_min": str(18 + int(rng.integers(6))),
        "age_max": str(28 + int(rng.integers(18))),
    }


def _resolve_alternatives(rng: np.random.Generator, pattern: str) -> str:
    """Replace every ``[a|b|c]`` of a pattern by one of its alternatives."""
    return _ALTERNATIVES.sub(lambda match: _pick(rng, match.group(1).split("|")), pattern)


def _fill_pattern(rng: np.random.Generator, pattern: str, profile: dict[str, str]) -> str:
    """A sentence from a pattern: alternatives chosen, profile filled, slots left as markers."""
    markers = {kind.upper(): f"{_MARKER}{kind}{_MARKER}" for kind in SLOT_KINDS}
    return _resolve_alternatives(rng, pattern).format_map(profile | markers)


def _fix_markers(sentence: str, fixed_values: dict[str, str]) -> str:
    """A sentence with every slot marker replaced by the family's fixed value of that kind."""
    for kind, value in fixed_values.items():
        sentence = sentence.replace(f"{_MARKER}{kind}{_MARKER}", value)
    return sentence


def _is_generic(pattern: str) -> bool:
    """Whether a pattern has no fields, so it reads alike in every family that uses it."""
    return "{" not in pattern


def _choose_body_patterns(
    rng: np.random.Generator,
    pack: LanguagePack,
    missing_kinds: set[str],
    count: int,
    generic_allowance: int,
) -> list[str]:
    """Body patterns: one for every missing slot kind, then random others up to ``count``.

    At most ``generic_allowance`` of them are generic (see :func:`_is_generic`), so that
    families do not share most of their text through generic sentences.
    """
    chosen: list[str] = []
    for kind in sorted(missing_kinds):
        candidates = [
            pattern
            for pattern in pack.bodies
            if kind in _pattern_slot_kinds(pattern) and pattern not in chosen
        ]
        chosen.append(_pick(rng, candidates))
    for index in rng.permutation(len(pack.bodies)).tolist():
        if len(chosen) >= count:
            break
        pattern = pack.bodies[index]
        if pattern in chosen or (_is_generic(pattern) and generic_allowance == 0):
            continue
        generic_allowance -= int(_is_generic(pattern))
        chosen.append(pattern)
    return chosen


@dataclass(frozen=True)
class _Composition:
    """The sentences of a new template (slots still as markers) and unused body patterns."""

    opening: str
    body: list[str]
    contact: str
    spare_patterns: list[str]


def _compose_sentences(
    rng: np.random.Generator,
    pack: LanguagePack,
    slot_kinds: tuple[str, ...],
    profile: dict[str, str],
    borrowed_count: int,
) -> _Composition:
    """Opening, own body sentences and contact of a new family.

    A family that borrows sentences still gets at least :data:`MINIMUM_BODY_SENTENCES` own
    body sentences, and no generic one.
    """
    opening_pattern = _pick(rng, pack.openings)
    contact_pattern = _pick(rng, pack.contacts)
    present = _pattern_slot_kinds(opening_pattern) | _pattern_slot_kinds(contact_pattern)
    missing = set(slot_kinds) - present
    body_count = MINIMUM_BODY_SENTENCES + int(
        rng.integers(MAXIMUM_BODY_SENTENCES - MINIMUM_BODY_SENTENCES + 1)
    )
    own_count = max(len(missing), body_count - borrowed_count, MINIMUM_BODY_SENTENCES)
    generic_allowance = 0 if borrowed_count else 1
    body_patterns = _choose_body_patterns(rng, pack, missing, own_count, generic_allowance)
    spare_patterns = [
        pattern
        for pattern in pack.bodies
        if pattern not in body_patterns
        and not _is_generic(pattern)
        and not _pattern_slot_kinds(pattern)
    ]
    return _Composition(
        opening=_fill_pattern(rng, opening_pattern, profile),
        body=[_fill_pattern(rng, pattern, profile) for pattern in body_patterns],
        contact=_fill_pattern(rng, contact_pattern, profile),
        spare_patterns=spare_patterns,
    )


def _fit_length(
    rng: np.random.Generator,
    profile: dict[str, str],
    fixed_values: dict[str, str],
    sentences: list[str],
    spare_patterns: list[str],
    borrowed: list[str],
) -> list[str]:
    """Add or drop body sentences to bring the text near the target length.

    ``sentences`` is the opening, the body and the contact, in order. Added sentences come
    from ``spare_patterns``. Sentences with slot markers and borrowed sentences are never
    dropped, so every slot kind stays in the template.
    """

    def length() -> int:
        return sum(len(_fix_markers(sentence, fixed_values)) + 1 for sentence in sentences)

    spare = list(spare_patterns)
    while length() < MINIMUM_TEMPLATE_LENGTH and spare:
        pattern = spare.pop(int(rng.integers(len(spare))))
        position = 1 + int(rng.integers(len(sentences) - 1))
        sentences.insert(position, _fill_pattern(rng, pattern, profile))
    while length() > MAXIMUM_TEMPLATE_LENGTH:
        droppable = [
            index
            for index in range(1, len(sentences) - 1)
            if _MARKER not in sentences[index] and sentences[index] not in borrowed
        ]
        if len(sentences) - 2 <= MINIMUM_BODY_SENTENCES or not droppable:
            break
        del sentences[_pick_index(rng, droppable)]
    return sentences


def _pick_index(rng: np.random.Generator, indices: Sequence[int]) -> int:
    """One element of a sequence of indices, uniformly."""
    return indices[int(rng.integers(len(indices)))]


def _tokenize_template(
    text: str, slot_kinds: tuple[str, ...], fixed_values: dict[str, str]
) -> tuple[list[str], list[_SlotToken]]:
    """Split a template into words; the first marker of each slot kind becomes a slot.

    Later markers of a slot kind, and markers of kinds that are not slots, get the family's
    fixed value.
    """
    words: list[str] = []
    slot_tokens: list[_SlotToken] = []
    for token in text.split():
        if _MARKER not in token:
            words.append(token)
            continue
        prefix, kind, suffix = token.split(_MARKER)
        is_new_slot = kind in slot_kinds and all(slot.kind != kind for slot in slot_tokens)
        if is_new_slot:
            slot_tokens.append(_SlotToken(len(words), kind, prefix, suffix))
            words.append("")
        else:
            words.extend((prefix + fixed_values[kind] + suffix).split())
    return words, slot_tokens


def _noise_positions(words: Sequence[str], slot_tokens: Sequence[_SlotToken]) -> list[int]:
    """Positions word noise may change: not slots, and no word with a digit in it.

    Numbers (fixed phones, amounts, hours) are left alone: retyping changes words, and a
    number turned into a filler word would not be a realistic variant.
    """
    slot_positions = {slot.position for slot in slot_tokens}
    return [
        position
        for position, word in enumerate(words)
        if position not in slot_positions and not any(character.isdigit() for character in word)
    ]


def _build_template(
    rng: np.random.Generator,
    lang: str,
    slot_kinds: tuple[str, ...],
    reservoir: _DonorReservoir,
) -> _Template:
    """Compose the template of a new family and remember its body sentences as a donor."""
    pack = LANGUAGE_PACKS[lang]
    profile = _draw_profile(rng, pack)
    styles = _draw_slot_styles(rng, pack)
    fixed_values = {kind: _draw_slot_value(kind, rng, pack, styles) for kind in SLOT_KINDS}
    borrowed = reservoir.borrow(rng, lang) if rng.random() < HARD_NEGATIVE_SHARE else []
    composition = _compose_sentences(rng, pack, slot_kinds, profile, len(borrowed))
    middle = composition.body + borrowed
    order = rng.permutation(len(middle))
    sentences = [composition.opening, *(middle[int(index)] for index in order), composition.contact]
    sentences = _fit_length(
        rng, profile, fixed_values, sentences, composition.spare_patterns, borrowed
    )
    own_body = tuple(_fix_markers(sentence, fixed_values) for sentence in composition.body)
    reservoir.remember(rng, lang, own_body)
    words, slot_tokens = _tokenize_template(" ".join(sentences), slot_kinds, fixed_values)
    noise_positions = np.array(_noise_positions(words, slot_tokens), dtype=np.int64)
    return _Template(lang, tuple(words), tuple(slot_tokens), noise_positions, styles)


# --------------------------------------------------------------------------------------------
# Word noise
# --------------------------------------------------------------------------------------------


def _split_punctuation(word: str) -> tuple[str, str, str]:
    """``"(работа),"`` → ``("(", "работа", "),")``: leading punctuation, core, trailing."""
    start = 0
    while start < len(word) and not word[start].isalnum():
        start += 1
    end = len(word)
    while end > start and not word[end - 1].isalnum():
        end -= 1
    return word[:start], word[start:end], word[end:]


def _match_case(replacement: str, original: str) -> str:
    """``replacement`` capitalised like ``original`` (all capitals, first capital or as is)."""
    if len(original) > 1 and original.isupper():
        return replacement.upper()
    if original[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def _substitute(word: str, pack: LanguagePack, pick: float) -> str:
    """A synonym of ``word`` if the language has one, otherwise a filler word."""
    prefix, core, suffix = _split_punctuation(word)
    synonym = pack.synonyms.get(core.lower())
    if synonym is None:
        synonym = pack.fillers[int(pick * len(pack.fillers))]
    return prefix + _match_case(synonym, core) + suffix


def _swap_letters(word: str, pick: float) -> str:
    """``word`` with two adjacent letters swapped (unchanged if it has no two letters)."""
    candidates = [
        index
        for index in range(len(word) - 1)
        if word[index].isalpha() and word[index + 1].isalpha()
    ]
    if not candidates:
        return word
    index = candidates[int(pick * len(candidates))]
    return word[:index] + word[index + 1] + word[index] + word[index + 2 :]


def _apply_word_noise(
    rng: np.random.Generator,
    words: list[str],
    noise_positions: npt.NDArray[np.int64],
    word_noise: float,
    pack: LanguagePack,
) -> None:
    """Change each fixed word with probability ``word_noise``, in place.

    A changed word is deleted, replaced by a synonym or filler, followed by an inserted filler,
    or gets two adjacent letters swapped (each with probability 1/4).
    """
    hits = noise_positions[rng.random(len(noise_positions)) < word_noise]
    if not len(hits):
        return
    operations = rng.integers(0, len(_NOISE_OPERATIONS), size=len(hits))
    picks = rng.random(len(hits))
    for position, operation, pick in zip(
        hits.tolist(), operations.tolist(), picks.tolist(), strict=True
    ):
        word = words[position]
        name = _NOISE_OPERATIONS[operation]
        if name == "delete":
            words[position] = ""
        elif name == "substitute":
            words[position] = _substitute(word, pack, pick)
        elif name == "insert":
            words[position] = f"{word} {pack.fillers[int(pick * len(pack.fillers))]}"
        else:
            words[position] = _swap_letters(word, pick)


# --------------------------------------------------------------------------------------------
# Ads
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SyntheticAd:
    """One generated ad and its ground-truth family.

    Attributes
    ----------
    id : str
        ``"s"`` and nine digits, numbered in output order (``"s000000123"``).
    text : str
        The ad text.
    family : int
        The ground-truth family (template) number.
    lang : str
        Language of the template: ``mk``, ``sq``, ``sr``, ``en``, ``de`` or ``it``
        (Macedonian and Serbian ads keep their code when retyped in Latin).

    Examples
    --------
    >>> SyntheticAd(id="s000000000", text="Работа во Берлин", family=0, lang="mk").family
    0
    """

    id: str
    text: str
    family: int
    lang: str


def _render_ad(
    rng: np.random.Generator, template: _Template, word_noise: float, transliteration: float
) -> str:
    """One ad of a family: fresh slot values, word noise and perhaps Latin retyping."""
    pack = LANGUAGE_PACKS[template.lang]
    words = list(template.words)
    for slot in template.slot_tokens:
        value = _draw_slot_value(slot.kind, rng, pack, template.styles)
        words[slot.position] = slot.prefix + value + slot.suffix
    if word_noise > 0:
        _apply_word_noise(rng, words, template.noise_positions, word_noise, pack)
    text = " ".join(word for word in words if word)
    retyped = template.lang in CYRILLIC_LANGUAGES and transliteration > 0
    if retyped and rng.random() < transliteration:
        text = _transliterate(text, template.lang, rng)
    return text


def _draw_family_sizes(
    rng: np.random.Generator, n_ads: int, mean_family_size: float
) -> npt.NDArray[np.int64]:
    """Family sizes summing to ``n_ads``: singletons, and ``1 + Poisson`` for the others.

    A share :data:`SINGLETON_SHARE` of families are singletons; the Poisson rate of the others
    is chosen so that the mean size is ``mean_family_size``. The last family is cut short.
    """
    rate = (mean_family_size - 1.0) / (1.0 - SINGLETON_SHARE)
    batches: list[npt.NDArray[np.int64]] = []
    total = 0
    while total < n_ads:
        batch_size = max(16, int(1.1 * (n_ads - total) / mean_family_size) + 1)
        sizes = 1 + rng.poisson(rate, size=batch_size).astype(np.int64)
        sizes[rng.random(batch_size) < SINGLETON_SHARE] = 1
        batches.append(sizes)
        total += int(sizes.sum())
    sizes = np.concatenate(batches) if batches else np.zeros(0, dtype=np.int64)
    ends = np.cumsum(sizes)
    family_count = int(np.searchsorted(ends, n_ads)) + 1 if n_ads else 0
    sizes = sizes[:family_count].copy()
    if family_count:
        sizes[-1] -= int(ends[family_count - 1]) - n_ads
    return sizes


def _validate(
    n_ads: int, mean_family_size: float, word_noise: float, slots: int, transliteration: float
) -> None:
    """Raise ``ValueError`` for arguments out of range."""
    if n_ads < 0:
        raise ValueError("n_ads must not be negative")
    if mean_family_size < 1:
        raise ValueError("mean_family_size must be at least 1")
    if not 0 <= word_noise <= 1:
        raise ValueError("word_noise must be between 0 and 1")
    if slots not in (1, 2, 3):
        raise ValueError("slots must be 1, 2 or 3")
    if not 0 <= transliteration <= 1:
        raise ValueError("transliteration must be between 0 and 1")


def generate_families(
    n_ads: int,
    *,
    mean_family_size: float = 8.0,
    word_noise: float = 0.03,
    slots: int = 3,
    transliteration: float = 0.3,
    seed: int = 0,
) -> list[SyntheticAd]:
    """Generate ads written from template families, in shuffled order.

    Parameters
    ----------
    n_ads : int
        Number of ads.
    mean_family_size : float, default 8.0
        Mean number of ads per family. A share :data:`SINGLETON_SHARE` of families are
        singletons; the others have ``1 + Poisson(rate)`` ads, with the rate that gives this
        mean. The last family is cut to make exactly ``n_ads`` ads.
    word_noise : float, default 0.03
        Per-word probability that a fixed word (never a slot value nor a word with digits) is
        deleted, replaced by a synonym or filler, followed by an inserted filler, or gets two
        adjacent letters swapped.
    slots : int, default 3
        Variable slots per template (1 to 3). With two or more, the phone number is one of
        them (contacts swapped between ads); the others are drawn from city, amount, name
        and date. Every ad draws fresh values for its slots.
    transliteration : float, default 0.3
        Probability that an ad of a Macedonian or Serbian (Cyrillic) family is retyped in
        ad-hoc Latin, with one spelling choice per letter group for the whole ad.
    seed : int, default 0
        Seed of ``numpy.random.default_rng``; the same arguments give the same ads.

    Returns
    -------
    list of SyntheticAd
        ``n_ads`` ads with families interleaved; ids are numbered in this order.

    Raises
    ------
    ValueError
        If an argument is out of range.

    Examples
    --------
    >>> ads = generate_families(20, mean_family_size=5, word_noise=0.0, slots=2, seed=7)
    >>> ads == generate_families(20, mean_family_size=5, word_noise=0.0, slots=2, seed=7)
    True
    >>> len(ads), ads[0].id, ads[-1].id
    (20, 's000000000', 's000000019')

    Without noise, two ads of one family differ only in their two slots:

    >>> from collections import Counter
    >>> from difflib import SequenceMatcher
    >>> plain = generate_families(
    ...     20, mean_family_size=5, word_noise=0.0, slots=2, transliteration=0.0, seed=7)
    >>> family = Counter(ad.family for ad in plain).most_common(1)[0][0]
    >>> first, second = [ad.text.split() for ad in plain if ad.family == family][:2]
    >>> matcher = SequenceMatcher(None, first, second, autojunk=False)
    >>> len([block for block in matcher.get_opcodes() if block[0] != "equal"]) <= 2
    True
    >>> 250 <= len(plain[0].text) <= 800
    True
    """
    _validate(n_ads, mean_family_size, word_noise, slots, transliteration)
    rng = np.random.default_rng(seed)
    sizes = _draw_family_sizes(rng, n_ads, mean_family_size)
    languages = list(LANGUAGE_WEIGHTS)
    weights = np.array(list(LANGUAGE_WEIGHTS.values()))
    family_languages = rng.choice(len(languages), size=len(sizes), p=weights / weights.sum())
    output_positions = rng.permutation(n_ads).tolist()
    texts: list[str] = [""] * n_ads
    families: list[int] = [0] * n_ads
    family_lang: list[str] = [languages[int(index)] for index in family_languages]
    reservoir = _DonorReservoir(families={})
    generated = 0
    for family, size in enumerate(sizes.tolist()):
        slot_kinds = _draw_slot_kinds(rng, slots)
        template = _build_template(rng, family_lang[family], slot_kinds, reservoir)
        for _ in range(size):
            position = output_positions[generated]
            texts[position] = _render_ad(rng, template, word_noise, transliteration)
            families[position] = family
            generated += 1
    return [
        SyntheticAd(
            id=f"s{index:09d}",
            text=text,
            family=families[index],
            lang=family_lang[families[index]],
        )
        for index, text in enumerate(texts)
    ]


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------


def _pair_count(count: int) -> int:
    """Number of unordered pairs among ``count`` items."""
    return count * (count - 1) // 2


def pairwise_scores(families: Sequence[int], clusters: Sequence[str]) -> dict[str, float]:
    """Pairwise precision, recall and F1 of a clustering against the true families.

    A pair of ads is *predicted* when both are in one cluster and *true* when both are in one
    family. The counts come from the family × cluster contingency table, in O(n).

    Parameters
    ----------
    families : sequence of int
        Ground-truth family of every ad.
    clusters : sequence of str
        Predicted cluster of every ad, in the same order.

    Returns
    -------
    dict of str to float
        ``precision`` (correct / predicted pairs, 1.0 when nothing is predicted), ``recall``
        (correct / true pairs, 1.0 when there are no true pairs), ``f1``, ``true_pairs`` and
        ``predicted_pairs``.

    Raises
    ------
    ValueError
        If the two sequences differ in length.

    Examples
    --------
    >>> scores = pairwise_scores([0, 0, 0, 1, 1], ["a", "a", "b", "c", "c"])
    >>> scores["true_pairs"], scores["predicted_pairs"]
    (4.0, 2.0)
    >>> round(scores["precision"], 3), round(scores["recall"], 3), round(scores["f1"], 3)
    (1.0, 0.5, 0.667)
    """
    if len(families) != len(clusters):
        raise ValueError("families and clusters must have the same length")
    true_pairs = sum(_pair_count(count) for count in Counter(families).values())
    predicted_pairs = sum(_pair_count(count) for count in Counter(clusters).values())
    cells = Counter(zip(families, clusters, strict=True))
    correct_pairs = sum(_pair_count(count) for count in cells.values())
    precision = correct_pairs / predicted_pairs if predicted_pairs else 1.0
    recall = correct_pairs / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "true_pairs": float(true_pairs),
        "predicted_pairs": float(predicted_pairs),
    }
