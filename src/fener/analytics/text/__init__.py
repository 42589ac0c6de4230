"""Text normalisation for ads: Unicode clean-up, Cyrillic/Latin folding, de-obfuscation, language.

Every transformation keeps a map back to the original characters, so that evidence found in the
normalised text is reported as spans of the text the person wrote.
"""

from fener.analytics.text.aligned import AlignedText
from fener.analytics.text.fold import fold
from fener.analytics.text.language import LanguageGuess, detect_language, detect_script
from fener.analytics.text.normalize import normalize
from fener.analytics.text.translit import cyrillic_to_latin, latin_to_cyrillic

__all__ = [
    "AlignedText",
    "LanguageGuess",
    "cyrillic_to_latin",
    "detect_language",
    "detect_script",
    "fold",
    "latin_to_cyrillic",
    "normalize",
]
