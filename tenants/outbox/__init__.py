"""The outbox of a tenant schema: which organizations and months changed, written by database
triggers in the same transaction as the change, drained by the group rollup relay
(``partycloud.rollups``)."""
