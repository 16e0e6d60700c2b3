from django.dispatch import Signal

# Sent inside the merge transaction with source=, target=, actor= (an Actor): move your per-organization
# records from source to target.
organization_merged = Signal()
