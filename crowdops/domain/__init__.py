"""Pure rules of CrowdOps: enums, value objects and validation. Imports no other crowdops package."""
