"""Row history for case data and organisation models, through django-pghistory's triggers."""

import pghistory


def row_history():
    """Trackers for inserts, updates and deletes, for `@pghistory.track(*row_history())`.
    Trackers bind to their model, so each model needs fresh instances."""
    return (pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
