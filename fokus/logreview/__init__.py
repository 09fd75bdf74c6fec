"""Review of the access log (loggkontroll): filters, flags, review rounds.

- `subjects`: which log rows are about a participant. The participants live in higher apps
  (referrals, participants), which register their object types here in `AppConfig.ready`.
- `filters`: the review page's filter form and what it does to a queryset of log rows.
- `flags`: rows worth a reviewer's look, computed for a period with aggregate queries.
- `services`: marking a period as reviewed, and which recent months still wait for it.
"""
