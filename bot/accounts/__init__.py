"""Who may do what: training providers and outreach programmes, requested in the chat and approved by
an admin; admins come from ADVISOR_ADMIN_IDS."""
