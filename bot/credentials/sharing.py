"""Ways to show a credential to others: its verification link and a LinkedIn "add to profile" link."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

LINKEDIN_ADD = "https://www.linkedin.com/profile/add"


def verification_url(public_url: str, credential_uuid: str) -> str:
    """Where anyone can check the credential (the web server will serve it)."""
    return f"{public_url}/verify/{credential_uuid}"


def linkedin_url(*, title: str, organisation: str, issued: dt.datetime, url: str, credential_id: str) -> str:
    """LinkedIn's "add licence or certification" form, filled in."""
    return LINKEDIN_ADD + "?" + urlencode({
        "startTask": "CERTIFICATION_NAME", "name": title, "organizationName": organisation,
        "issueYear": issued.year, "issueMonth": issued.month, "certUrl": url, "certId": credential_id})
