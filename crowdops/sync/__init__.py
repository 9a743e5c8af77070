"""The outbox worker: dispatcher, connectivity probe and the scheduler that wakes them."""
