"""Words that look like names but must stay in the text because the analysis needs them.

Places are how findings are reported (by the nine Places of Cheshire and Merseyside), and
services (NHS, Jobcentre, GP) are what people talk about; the small NER model often tags them
as people.
"""

from __future__ import annotations

PLACES = {
    "cheshire east", "cheshire west and chester", "cheshire west", "halton", "knowsley",
    "liverpool", "sefton", "st helens", "st. helens", "warrington", "wirral", "the wirral",
    "cheshire", "chester", "merseyside", "liverpool city region", "widnes", "runcorn",
    "birkenhead", "bootle", "southport", "crosby", "huyton", "kirkby", "prescot", "wallasey",
    "crewe", "macclesfield", "ellesmere port", "northwich", "manchester", "england", "uk",
}  # fmt: skip
ORGANISATION_WORDS = {
    "nhs", "jobcentre", "jobcentre plus", "gp", "dwp", "hmrc", "pip", "esa", "universal credit",
    "council", "citizens advice", "mind", "age uk", "macmillan", "a&e", "alder hey", "aintree",
    "arrowe park", "whiston", "sure start", "food bank", "foodbank", "covid", "covid-19",
    "samaritans", "nhs 111", "111", "999", "ofsted", "google", "facebook", "whatsapp", "zoom",
    "teams", "microsoft", "tesco", "asda", "aldi", "lidl", "merseyrail", "arriva", "stagecoach",
}  # fmt: skip
CALENDAR_WORDS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
    "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "christmas", "easter", "xmas",
}  # fmt: skip
# Speaker labels in transcripts that are roles, not names.
GENERIC_LABEL_WORDS = {
    "speaker", "participant", "facilitator", "interviewer", "interviewee", "host", "guest",
    "unknown", "moderator", "respondent", "researcher", "attendee", "user", "me", "you",
    "mr", "mrs", "ms", "miss", "dr", "prof", "the", "and", "of", "q", "a",
}  # fmt: skip
# Capitalised words the small NER model tags as people at the start of a sentence.
NOT_PEOPLE = {
    "email", "text", "call", "ring", "phone", "mum", "dad", "nan", "nana", "grandad", "gran",
    "auntie", "uncle", "hiya", "cheers", "thanks", "yeah", "okay", "ok", "bless", "god",
}  # fmt: skip
_ALL = PLACES | ORGANISATION_WORDS | CALENDAR_WORDS | NOT_PEOPLE


def is_allowlisted(text: str) -> bool:
    """Whether a name-like span is a Place, service or calendar word, as a whole or word by
    word ("Liverpool Jobcentre")."""
    key = " ".join(text.casefold().replace("’", "'").removesuffix("'s").split())
    if key in _ALL:
        return True
    words = key.split()
    return bool(words) and all(word in _ALL or word in ("the", "and", "of") for word in words)
