"""The conversation, without Telegram: flows, screens and their wording, and the dialogue state.
Flows are tested with a database and a fake recommender alone."""
