"""The closed vocabularies of a victim case, aligned with IOM's HTCDS v2.

Each choice keeps Fener's short code (stored in the database) and, in ``HTCDS``, the standard's
value name, used by the anonymised export. Lists of codes (recruitment methods, methods of
control...) are stored as JSON lists and checked against these classes by the services.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    TRANSGENDER_FEMALE = "trans_female", _("Transgender female")
    TRANSGENDER_MALE = "trans_male", _("Transgender male")
    NON_CONFORMING = "non_conforming", _("Gender non-conforming")
    UNKNOWN = "unknown", _("Not specified or unknown")


class TraffickingStatus(models.TextChoices):
    """The national referral mechanism's statuses (HTCDS has no "presumed": it maps to possible)."""

    POSSIBLE = "possible", _("Possible victim")
    PRESUMED = "presumed", _("Presumed victim")
    IDENTIFIED = "identified", _("Identified victim")
    NOT_A_VICTIM = "not_a_victim", _("Not a victim of trafficking")


class CaseStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")
    CLOSED_REFERRED = "closed_referred", _("Closed (referred)")


class ClosureReason(models.TextChoices):
    GOALS_ACHIEVED = "goals_achieved", _("Support goals achieved")
    REFERRED = "referred", _("Referred to another organisation")
    RETURNED_HOME = "returned_home", _("Returned to the country of origin")
    DECLINED = "declined", _("The person declined further support")
    LOST_CONTACT = "lost_contact", _("Contact lost")
    NOT_A_VICTIM = "not_a_victim", _("Not a victim of trafficking")
    DECEASED = "deceased", _("Deceased")
    OTHER = "other", _("Other")


class RecruitmentMethod(models.TextChoices):
    PLACE_OF_BUSINESS = "place_of_business", _("At a place of business")
    EDUCATIONAL_INSTITUTION = "educational_institution", _("At an educational institution")
    AT_WORK = "at_work", _("At work")
    ONLINE_SOCIAL_NETWORK = "online_social_network", _("Through online social networks")
    ONLINE_ADVERTISEMENT = "online_advertisement", _("Through an online advertisement")
    TELEVISION_ADVERT = "television_advert", _("Through a television advert")
    NEWSPAPER_ADVERT = "newspaper_advert", _("Through a newspaper advert")
    FAMILY = "family", _("Through family or family events")
    FRIENDS = "friends", _("Through friends or social events")
    INTIMATE_PARTNER = "intimate_partner", _('By an intimate partner ("lover boy")')
    OTHER = "other", _("Other")


class RecruitmentPlatform(models.TextChoices):
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    WHATSAPP = "whatsapp", "WhatsApp"
    TELEGRAM = "telegram", "Telegram"
    MESSENGER = "messenger", "Facebook Messenger"
    VIBER = "viber", "Viber"
    SNAPCHAT = "snapchat", "Snapchat"
    TIKTOK = "tiktok", "TikTok"
    TWITTER = "twitter", "X (Twitter)"
    JOB_SITE = "job_site", _("Job advertisement site")
    OTHER = "other", _("Other")


class ControlMethod(models.TextChoices):
    PHYSICAL_THREATS = "physical_threats", _("Threats of physical harm")
    THREATS_LAW_ENFORCEMENT = "threats_law_enforcement", _("Threats of denunciation to authorities")
    THREATENS_FAMILY = "threatens_family", _("Threats against children or family")
    DEBT_BONDAGE = "debt_bondage", _("Debt bondage")
    FALSE_PROMISES = "false_promises", _("False promises")
    PHYSICAL_ABUSE = "physical_abuse", _("Physical abuse")
    SEXUAL_ABUSE = "sexual_abuse", _("Sexual abuse")
    TAKES_EARNINGS = "takes_earnings", _("Takes earnings")
    RESTRICTS_FINANCIAL_ACCESS = "restricts_financial_access", _("Restricts access to money")
    RESTRICTS_MEDICAL_CARE = "restricts_medical_care", _("Restricts medical care")
    WITHHOLDS_NECESSITIES = "withholds_necessities", _("Withholds food, sleep or other necessities")
    PSYCHOLOGICAL_ABUSE = "psychological_abuse", _("Psychological abuse")
    PSYCHOACTIVE_SUBSTANCES = "psychoactive_substances", _("Forced use of drugs or alcohol")
    EXCESSIVE_HOURS = "excessive_hours", _("Excessive working hours")
    WITHHOLDS_DOCUMENTS = "withholds_documents", _("Withholds identity documents")
    OTHER = "other", _("Other")


class ExploitationType(models.TextChoices):
    """HTCDS's types of exploitation. Forms an expert panel promotes are added as rows of
    :class:`fener.cases.models.ExploitationForm` and exported as ``Other``."""

    FORCED_LABOUR = "forced_labour", _("Forced labour")
    SEXUAL_EXPLOITATION = "sexual_exploitation", _("Sexual exploitation")
    CHILD_LABOUR = "child_labour", _("Child labour")
    FORCED_MARRIAGE = "forced_marriage", _("Forced marriage")
    SERVITUDE = "servitude", _("Servitude")
    FORCED_MILITARY = "forced_military", _("Forced military service by non-state actors")
    ORGAN_REMOVAL = "organ_removal", _("Organ removal")
    FORCED_BEGGING = "forced_begging", _("Forced begging")
    FORCED_ADOPTION = "forced_adoption", _("Forced adoption")
    SURROGACY = "surrogacy", _("Surrogacy")
    OTHER = "other", _("Other")


class Industry(models.TextChoices):
    """ISIC Rev. 4 sections, as HTCDS's forced-labour industry."""

    A = "A", _("Agriculture, forestry and fishing")
    B = "B", _("Mining and quarrying")
    C = "C", _("Manufacturing")
    D = "D", _("Electricity, gas, steam and air conditioning supply")
    E = "E", _("Water supply, sewerage and waste management")
    F = "F", _("Construction")
    G = "G", _("Wholesale and retail trade, repair of vehicles")
    H = "H", _("Transportation and storage")
    I = "I", _("Accommodation and food service activities")  # noqa: E741
    J = "J", _("Information and communication")
    K = "K", _("Financial and insurance activities")
    L = "L", _("Real estate activities")
    M = "M", _("Professional, scientific and technical activities")
    N = "N", _("Administrative and support service activities")
    O = "O", _("Public administration and defence")  # noqa: E741
    P = "P", _("Education")
    Q = "Q", _("Human health and social work activities")
    R = "R", _("Arts, entertainment and recreation")
    S = "S", _("Other service activities")
    T = "T", _("Activities of households as employers (domestic work)")
    U = "U", _("Activities of extraterritorial organisations")


class SexExploitationType(models.TextChoices):
    PROSTITUTION = "prostitution", _("Prostitution")
    PORNOGRAPHY = "pornography", _("Pornography")
    REMOTE_INTERACTIVE = "remote_interactive", _("Remote interactive services (webcam)")
    PRIVATE_SERVICES = "private_services", _("Private sexual services")


class Relationship(models.TextChoices):
    FAMILY = "family", _("Family member")
    INTIMATE_PARTNER = "intimate_partner", _("Intimate partner")
    FRIEND = "friend", _("Friend or acquaintance")
    STRANGER = "stranger", _("Stranger")
    UNKNOWN = "unknown", _("Unknown")


class PerpetratorRole(models.TextChoices):
    TRAVELLING_PARTNER = "travelling_partner", _("Travelling partner")
    TRANSPORTER = "transporter", _("Transporter")
    RECRUITER = "recruiter", _("Recruiter or intermediary")
    BROKER = "broker", _("Broker or travel agent")
    HARBOURER = "harbourer", _("Harboured the person")
    SELLER = "seller", _("Sold the person")
    BUYER = "buyer", _("Bought the person")
    RECEIVER = "receiver", _("Received the person")
    CONTROLLER = "controller", _("Controlled the person")
    SMUGGLER = "smuggler", _("Smuggler")
    ABUSER = "abuser", _("Abuser")
    KIDNAPPER = "kidnapper", _("Kidnapper")
    EXPLOITER = "exploiter", _("Exploiter")
    OTHER = "other", _("Other")


class TeamRole(models.TextChoices):
    CASE_MANAGER = "case_manager", _("Case manager")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    LAWYER = "lawyer", _("Lawyer or legal aid")
    HEALTH = "health", _("Health worker")
    POLICE_LIAISON = "police_liaison", _("Police liaison")
    PROSECUTOR = "prosecutor", _("Prosecutor")
    GUARDIAN = "guardian", _("Guardian of the child")
    NGO_SUPPORT = "ngo_support", _("NGO support worker")
    INTERPRETER = "interpreter", _("Interpreter")
    OBSERVER = "observer", _("Observer (read only)")


class SupportDomain(models.TextChoices):
    SAFETY = "safety", _("Safety")
    HEALTH = "health", _("Health")
    PSYCHOLOGICAL = "psychological", _("Psychological support")
    LEGAL_AID = "legal_aid", _("Legal aid")
    COMPENSATION = "compensation", _("Compensation")
    DOCUMENTS = "documents", _("Documents")
    HOUSING = "housing", _("Housing")
    EDUCATION = "education", _("Education")
    EMPLOYMENT = "employment", _("Employment")
    FAMILY = "family", _("Family")


class ConsentScope(models.TextChoices):
    """What a person agreed to. Sharing within the country and across borders are separate."""

    ASSISTANCE = "assistance", _("Assistance and recording of the case")
    INTERVIEW = "interview", _("Identification interview")
    SHARING_NATIONAL = "sharing_national", _("Sharing with institutions in the country")
    SHARING_ABROAD = "sharing_abroad", _("Sharing with institutions abroad")
    STATISTICS = "statistics", _("Anonymised statistics")


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    COMPLETED = "completed", _("Completed")
    REVOKED = "revoked", _("Revoked")


class ReferralReason(models.TextChoices):
    """HTCDS's reasons for an outgoing referral, with the NRM's usual purposes."""

    ADDITIONAL_SERVICES = "additional_services", _("Additional services required")
    MIGRATION = "migration", _("Migration or change of location")
    ACCOMMODATION = "accommodation", _("Safe accommodation")
    INVESTIGATION = "investigation", _("Criminal investigation")
    RETURN = "return", _("Assisted return and reintegration")
    OTHER = "other", _("Other")


class SharedSection(models.TextChoices):
    """The parts of a case a referral can share. ``PROFILE`` alone is the minimised default."""

    PROFILE = "profile", _("Pseudonymous profile (sex, age band, citizenship, status)")
    EXPLOITATION = "exploitation", _("Recruitment, control and exploitation")
    NAME = "name", _("Name")
    BIRTH_DATE = "birth_date", _("Date of birth")
    IDENTITY_NUMBERS = "identity_numbers", _("Identity document numbers")
    CONTACTS = "contacts", _("Phone numbers, e-mail and address")
    SCREENINGS = "screenings", _("Identification screenings")
    SUPPORT_PLAN = "support_plan", _("Support plan and services")
    CHILD_SAFEGUARDS = "child_safeguards", _("Guardian and best-interests assessments")


IDENTITY_SECTIONS = frozenset(
    {
        SharedSection.NAME,
        SharedSection.BIRTH_DATE,
        SharedSection.IDENTITY_NUMBERS,
        SharedSection.CONTACTS,
    }
)


class ReadPurpose(models.TextChoices):
    """Why a user opens a person's identity data (recorded in the audit log)."""

    ASSISTANCE = "assistance", _("Providing assistance to the person")
    CONTACT = "contact", _("Contacting the person")
    DOCUMENTS = "documents", _("Obtaining or checking documents")
    LEGAL = "legal", _("Legal proceedings")
    REFERRAL = "referral", _("Preparing a referral")
    SAFEGUARDING = "safeguarding", _("Safeguarding a child")
    CORRECTION = "correction", _("Correcting the record")


class AgeBand(models.TextChoices):
    """CTDC's age bands (the export's generalisation of age)."""

    AGE_0_8 = "0-8", "0–8"
    AGE_9_17 = "9-17", "9–17"
    AGE_18_20 = "18-20", "18–20"
    AGE_21_23 = "21-23", "21–23"
    AGE_24_26 = "24-26", "24–26"
    AGE_27_29 = "27-29", "27–29"
    AGE_30_38 = "30-38", "30–38"
    AGE_39_47 = "39-47", "39–47"
    AGE_48_PLUS = "48+", "48+"
    UNKNOWN = "unknown", _("Unknown")


def age_band(age: int | None) -> str:
    """The CTDC age band of an age in years."""
    if age is None or age < 0:
        return AgeBand.UNKNOWN
    for upper, band in (
        (8, AgeBand.AGE_0_8),
        (17, AgeBand.AGE_9_17),
        (20, AgeBand.AGE_18_20),
        (23, AgeBand.AGE_21_23),
        (26, AgeBand.AGE_24_26),
        (29, AgeBand.AGE_27_29),
        (38, AgeBand.AGE_30_38),
        (47, AgeBand.AGE_39_47),
    ):
        if age <= upper:
            return band
    return AgeBand.AGE_48_PLUS
