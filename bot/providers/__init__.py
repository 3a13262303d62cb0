"""Training providers' tools: catalog uploads checked before they apply, the template, their
enrolments and completions (confirmed one by one or from a list)."""
