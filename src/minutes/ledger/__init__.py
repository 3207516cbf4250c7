"""The commitment ledger: a series' items linked across its meetings (:mod:`.link`, reading what
each line says with :mod:`.cues`), what they add
up to (:mod:`.model`: commitments with their history and status, decisions changed, questions
carried), what one meeting changed (:mod:`.since`) and their JSON and Markdown (:mod:`.render`).
Pure: no database, web or command-line code."""
