"""The fourteen warning signs in plain words, for the public page and the exercise.

Written for a 16-year-old: what the sign means, why it is a warning, and what to ask the
employer. The codes are the engine's (:data:`fener.analytics.ads.indicators.INDICATOR_CODES`);
a test checks that every code has its words here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fener.adwatch.models import Platform


@dataclass(frozen=True)
class WarningSign:
    """One indicator code in plain words."""

    code: str
    title: Promise
    meaning: Promise
    why: Promise
    question: Promise


_SIGNS = (
    WarningSign(
        "HIGH_PAY",
        _("Pay that is too good to be true"),
        _("The ad promises much more money than this kind of work normally pays."),
        _(
            "Big money for simple work is the most common bait. Real employers pay what the "
            "work is worth."
        ),
        _("How much will I get each month after tax, and is that written in the contract?"),
    ),
    WarningSign(
        "NO_EXPERIENCE",
        _("No experience, skills or language needed"),
        _("Anyone can apply: no experience, training or knowledge of the language is asked for."),
        _(
            "When anyone will do, the job may not be what it seems. People who cannot check "
            "what they are signing up for are easier to trap."
        ),
        _("What exactly will I do each day, and who will train me?"),
    ),
    WarningSign(
        "FREE_TRAVEL_HOUSING",
        _("Free travel, visa or housing"),
        _("They say they will pay for your ticket, visa, room or food."),
        _(
            "What looks free often becomes a debt later, and you are told you must keep "
            "working until it is paid off."
        ),
        _(
            "Who pays for the travel and the room, and will any of it be taken from my pay? "
            "Show me this in the contract."
        ),
    ),
    WarningSign(
        "UPFRONT_FEE",
        _("You have to pay first"),
        _(
            "They ask you for money before you start: a fee, a deposit or costs for "
            "documents or a visa."
        ),
        _(
            "Real employers and licensed agencies do not charge workers for a job. Paying "
            "first is a classic trick and can leave you in debt."
        ),
        _("Why should I pay you? What is the name and licence number of your agency?"),
    ),
    WarningSign(
        "VAGUE_EMPLOYER",
        _("You cannot tell who the employer is"),
        _(
            "The ad does not name a company with an address, registration or licence that "
            "you could check."
        ),
        _(
            "If you cannot check who they are, nobody can hold them responsible when "
            "something goes wrong."
        ),
        _("What is the full name of the company, its address and its registration number?"),
    ),
    WarningSign(
        "URGENCY",
        _("Pressure to decide fast"),
        _('Words like "only today", "last places" or "we leave next week" rush you.'),
        _(
            "Hurry leaves you no time to check the offer or to ask family and friends. A real "
            "job gives you time to think."
        ),
        _("Can I have a few days to read the contract and check your company?"),
    ),
    WarningSign(
        "PRIVATE_CHANNEL_ONLY",
        _("Only a private chat or a mobile number"),
        _(
            "The only way to reach them is Viber, WhatsApp, Telegram, Instagram or a mobile "
            "phone: no office and no company e-mail."
        ),
        _(
            "Private chats are easy to delete and hard to trace. Real employers also have an "
            "office, a website or a work e-mail."
        ),
        _("Where is your office, and can I meet you there with someone I trust?"),
    ),
    WarningSign(
        "APPEARANCE_AGE_GENDER",
        _("Looks, age or gender required"),
        _(
            'They want people of a certain age, gender or appearance, for example "girls '
            '18–25" or "good-looking".'
        ),
        _(
            "Asking for looks for ordinary work is often a sign of sexual exploitation. A real "
            "job never needs photos of your body."
        ),
        _("Why do my age or my looks matter for this job?"),
    ),
    WarningSign(
        "ABROAD_RISKY_SECTOR",
        _("Work abroad in a risky sector"),
        _(
            "Work in another country in bars, night clubs, dancing, massage, modelling, care, "
            "farms or building sites."
        ),
        _(
            "Many people trafficked from our region were recruited for exactly these jobs "
            "abroad, where workers are isolated and far from help."
        ),
        _(
            "Which company and which address abroad will I work at, and whom do I call there "
            "if there is a problem?"
        ),
    ),
    WarningSign(
        "DOCUMENTS_REQUEST",
        _("They want your documents"),
        _(
            "They ask early for your passport, ID card or bank card, or say they will keep "
            'it "safe" for you.'
        ),
        _(
            "Whoever holds your passport controls you: without it you cannot leave or come "
            "home. Nobody is allowed to keep your documents."
        ),
        _("Why do you need my passport or bank card? Will they stay with me all the time?"),
    ),
    WarningSign(
        "DEBT_ADVANCE",
        _("Money in advance that you will owe"),
        _("They offer a loan or an advance that you will pay back from your wages."),
        _(
            "Debt is one of the main ways traffickers control people: the debt keeps growing "
            "and is never paid off."
        ),
        _("Will I owe you anything? Write down every amount and how I will pay it back."),
    ),
    WarningSign(
        "NO_CONTRACT",
        _("No written contract"),
        _('Cash in hand, "no contract needed" or work without papers.'),
        _(
            "Without a contract you have no proof of what was promised and no protection if "
            "you are not paid or you get hurt."
        ),
        _("Can I read and sign the contract, in a language I understand, before I travel?"),
    ),
    WarningSign(
        "VAGUE_JOB",
        _("The job is not clear"),
        _(
            'Words like "hostess", "easy work" or "companion" that do not say what you '
            "will really do."
        ),
        _(
            "Vague words can hide what the work really is. Often it turns out to be something "
            "you would never agree to."
        ),
        _("What exactly are the tasks, the working hours and the place of work?"),
    ),
    WarningSign(
        "MINORS",
        _("Aimed at people under 18"),
        _("The ad looks for people under 18, or says that age does not matter."),
        _(
            "Employers may not hire children for such work. An ad aimed at minors is a strong "
            "sign of exploitation."
        ),
        _(
            "Is this allowed at my age? Talk to a parent, a teacher or a helpline before you "
            "answer."
        ),
    ),
)

WARNING_SIGNS: dict[str, WarningSign] = {sign.code: sign for sign in _SIGNS}


def unknown_sign(code: str) -> WarningSign:
    """Words for a code the engine may add before this page knows it (never hidden)."""
    general = _("The check found a warning sign that has no explanation here yet.")
    return WarningSign(code, general, general, general, GENERAL_QUESTIONS[0])


# Asked whatever the ad says: the checks that protect anyone taking a job.
GENERAL_QUESTIONS = (
    _("What is the full name and address of the employer, and can I check it?"),
    _("Can I get the contract in writing, in a language I understand, before I leave?"),
    _("How much will I be paid, when, and is anything taken from my pay?"),
    _("Will I keep my passport, ID card and phone with me all the time?"),
)
GENERAL_ADVICE = (
    _("Tell someone you trust where you are going and give them the employer's details."),
    _("Keep copies of your documents and the helpline numbers on your phone and on paper."),
    _("Never pay to get a job, and never hand over your passport or bank card."),
)

# Where the person saw the ad (optional on "report this ad"), in words anyone knows.
SEEN_ON = (
    (Platform.FACEBOOK_GROUP.value, _("Facebook")),
    (Platform.INSTAGRAM.value, _("Instagram")),
    (Platform.TELEGRAM.value, _("Telegram")),
    (Platform.JOB_PORTAL.value, _("A job website")),
    (Platform.CLASSIFIEDS.value, _("A classifieds website")),
    (Platform.SMS.value, _("A text message (SMS)")),
    (Platform.OTHER.value, _("Somewhere else")),
)


@dataclass(frozen=True)
class RiskInWords:
    """The risk as a heading and a sentence; ``level`` is for styling (ok, low, warn, high)."""

    level: str
    heading: Promise
    summary: Promise


def risk_in_words(*, label: str, risk: float, sign_count: int) -> RiskInWords:
    """The engine's label and risk, said in words (never a bare number)."""
    if label == "suspicious" and risk >= 0.8:
        return RiskInWords(
            "high",
            _("High risk: this looks like a dangerous offer"),
            _(
                "This text shows several strong warning signs of a false or exploitative job "
                "offer. Do not send documents or money, and talk to someone you trust first."
            ),
        )
    if label == "suspicious":
        return RiskInWords(
            "warn",
            _("Suspicious: be careful"),
            _(
                "This text shows warning signs that often appear in false job offers. Check "
                "the employer carefully before you answer."
            ),
        )
    if sign_count:
        return RiskInWords(
            "low",
            _("Low risk, but look closer"),
            _(
                "The text as a whole does not look like a typical false offer, but it shows "
                "some warning signs. Ask the questions below before you say yes."
            ),
        )
    return RiskInWords(
        "ok",
        _("No warning signs found"),
        _(
            "We found none of the fourteen warning signs in this text. That is a good start, "
            "but no check is perfect: before you accept any job, check the points below."
        ),
    )
