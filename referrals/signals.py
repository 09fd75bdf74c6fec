"""What the referrals app tells the apps above it. Sent inside the deciding service's
transaction, so a receiver's writes commit or roll back with the decision.

participants (`participants/receivers.py`) opens a participation when a referral is accepted
and ends it when consent is withdrawn; referrals itself knows nothing of participations.
"""

from django.dispatch import Signal

# referral: the accepted Referral (its cohort set, status ACCEPTED, saved).
referral_accepted = Signal()

# referral: the Referral whose consent was just withdrawn.
consent_withdrawn = Signal()
