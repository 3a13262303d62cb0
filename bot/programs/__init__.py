"""Outreach programmes' tools: campaigns (a deep link and its QR code) and privacy-safe results."""
