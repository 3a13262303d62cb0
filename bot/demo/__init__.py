"""The demo without Telegram: a local fake of the Bot API (also what the end-to-end tests talk to)
and a terminal that plays the learner's phone."""
