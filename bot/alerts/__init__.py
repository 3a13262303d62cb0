"""Messages nobody asked for at that moment, each a row of the outbox: alerts about new courses that
match a learner's goal (only if they asked for them) and admins' announcements."""
