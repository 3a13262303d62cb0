"""Open Badges 3.0 credentials: issuing a signed VC-JWT when a completion is confirmed, keeping and
rotating the signing keys, revocation with a Bitstring Status List, and verification. Nothing here
knows about Telegram or the conversation."""
