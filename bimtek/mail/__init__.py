"""Transactional mail: the outbox model, the sending API (services: queue_mail, delivery) and the admin page."""
