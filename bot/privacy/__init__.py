"""What the advisor holds about a person, handed over on request (/mydata)."""
