"""The people the advisor serves and what they did: learners and their enrolments.

Nothing here knows about Telegram or the conversation; credentials, provider accounts and
campaigns will sit beside it as their own capabilities.
"""
