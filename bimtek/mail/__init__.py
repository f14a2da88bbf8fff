"""Transactional mail outbox (model + admin page). The sending API lives in bimtek.core.mail."""
